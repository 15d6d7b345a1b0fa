package dev.cairn.spark;

import java.nio.file.Path;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;

/**
 * The child JVM of {@link ExecutorCheckMinBytesSettingTest}: opens an engine on the home {@code args[0]} (its stack
 * file's {@code [spark]} table is read as the engine opens) and prints {@code minBytes=<the size from which the
 * executors check stored parts>}, or {@code minBytes=<error code>: <message>}.
 */
public final class ExecutorCheckMinBytesProbe {
    private ExecutorCheckMinBytesProbe() {}

    public static void main(String[] args) {
        try (Cairn cairn = Cairn.open(Path.of(args[0]))) {
            System.out.println("minBytes=" + DatasetMaterializer.executorCheckMinBytes());
        } catch (CairnException e) {
            System.out.println("minBytes=" + e.errorCode() + ": " + e.getMessage());
        }
    }
}
