package dev.cairn.engine;

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
        Injector injector = Guice.createInjector(Stage.PRODUCTION, new EngineModule(configuration));
        CairnEngine engine = injector.getInstance(CairnEngine.class);
        try {
            injector.getInstance(AbandonedRuns.class).failExpired();
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(CairnEngineProvider.class).warn("Could not check for abandoned runs: {}", e.toString());
        }
        return engine;
    }
}
