package dev.cairn.engine.metadata.postgres;

import java.net.URI;

import dev.cairn.api.metadata.MetadataStore;

/** A child process of {@link PostgresPruneLockTest}: takes the prune lock of a store, says so, and holds it until killed. */
public final class PruneLockHolderMain {
    private PruneLockHolderMain() {}

    /** Argument: the metadata URI. */
    public static void main(String[] args) throws InterruptedException {
        PostgresMetadataStore store = PostgresMetadataStore.open(URI.create(args[0]));
        MetadataStore.PruneLock lock = store.lockForPrune();
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
        lock.close();
    }
}
