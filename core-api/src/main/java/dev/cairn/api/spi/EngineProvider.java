package dev.cairn.api.spi;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnConfiguration;
import org.apiguardian.api.API;

/** Opens engines; implemented by {@code cairn-core-engine} and found by {@link java.util.ServiceLoader}. */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface EngineProvider {
    Cairn open(CairnConfiguration configuration);
}
