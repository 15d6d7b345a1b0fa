package dev.cairn.engine;

import static java.util.Objects.requireNonNull;

import java.time.Clock;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import dev.cairn.api.Cairn;
import dev.cairn.api.CairnConfiguration;
import dev.cairn.api.spi.EngineProvider;
import dev.cairn.engine.lifecycle.AbandonedRuns;
import org.apiguardian.api.API;
import org.slf4j.LoggerFactory;

/** Opens {@link CairnEngine}s; registered for {@link java.util.ServiceLoader} as the {@link EngineProvider}. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class CairnEngineProvider implements EngineProvider {
    @Override
    public Cairn open(CairnConfiguration configuration) {
        return open(configuration, Clock.systemUTC());
    }

    /**
     * Opens an engine whose times (runs, steps, artifact versions, prune cut-offs, run heartbeats) come from
     * {@code clock}: for tests, and for embedders with a clock of their own. Cache leases and prune tombstones use the
     * metadata database's clock regardless.
     */
    public Cairn open(CairnConfiguration configuration, Clock clock) {
        requireNonNull(configuration, "configuration is null");
        requireNonNull(clock, "clock is null");
        Injector injector;
        CairnEngine engine;
        try {
            injector = Guice.createInjector(Stage.PRODUCTION, new EngineModule(configuration, clock));
            engine = injector.getInstance(CairnEngine.class);
        } catch (com.google.inject.CreationException | com.google.inject.ProvisionException e) {
            // a store that cannot be opened (bad URI, unreachable server, two providers of one scheme) is reported as itself
            Throwable cause = e.getCause();
            if (cause instanceof dev.cairn.api.CairnException cairn) {
                throw cairn;
            }
            // several providers failing on one dependency (the plugins, refusing the stack file) give one error each
            java.util.Collection<com.google.inject.spi.Message> messages = e instanceof com.google.inject.CreationException creation
                    ? creation.getErrorMessages() : ((com.google.inject.ProvisionException) e).getErrorMessages();
            for (com.google.inject.spi.Message message : messages) {
                if (message.getCause() instanceof dev.cairn.api.CairnException cairn) {
                    throw cairn;
                }
            }
            throw e;
        }
        try {
            injector.getInstance(AbandonedRuns.class).failExpired();
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(CairnEngineProvider.class).warn("Could not check for abandoned runs: {}", e.toString());
        }
        return engine;
    }
}
