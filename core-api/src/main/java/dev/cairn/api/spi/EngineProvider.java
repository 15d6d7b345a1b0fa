package dev.cairn.api.spi;

import java.net.URL;
import java.security.CodeSource;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnConfiguration;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Opens engines; implemented by {@code cairn-core-engine} and found by {@link java.util.ServiceLoader}. Exactly one
 * must be on the class path.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface EngineProvider {
    /** Opens an engine for {@code configuration}; failures are {@code CairnException}s. */
    Cairn open(CairnConfiguration configuration);

    /**
     * The one engine provider visible to {@code loader}. None is {@code CONFIGURATION} saying which dependency to add;
     * two or more are {@code CONFIGURATION} naming each provider's class and the jar (or directory) it came from,
     * rather than one silently winning.
     */
    static EngineProvider find(ClassLoader loader) {
        List<ServiceLoader.Provider<EngineProvider>> found;
        try {
            found = ServiceLoader.load(EngineProvider.class, loader).stream().toList();
        } catch (ServiceConfigurationError e) {
            throw new CairnException(ErrorCode.CONFIGURATION, "A Cairn engine listed in META-INF/services/" + EngineProvider.class.getName()
                    + " cannot be loaded: " + e.getMessage() + ". Check that dev.cairn:cairn-core-engine and its dependencies are on the class path", e);
        }
        if (found.isEmpty()) {
            throw new CairnException(ErrorCode.CONFIGURATION,
                    "No Cairn engine found on the class path: add the dev.cairn:cairn-core-engine dependency (its version is managed by dev.cairn:cairn-bom)");
        }
        if (found.size() > 1) {
            throw new CairnException(ErrorCode.CONFIGURATION, "Found " + found.size() + " Cairn engines on the class path: "
                    + found.stream().map(p -> p.type().getName() + " (from " + location(p.type()) + ")").collect(Collectors.joining(", "))
                    + ". Keep exactly one cairn-core-engine jar on the class path (check for two versions of it, or a shaded jar that contains it)");
        }
        try {
            return found.get(0).get();
        } catch (ServiceConfigurationError e) {
            throw new CairnException(ErrorCode.CONFIGURATION, "The Cairn engine " + found.get(0).type().getName() + " (from "
                    + location(found.get(0).type()) + ") cannot be created: " + e.getMessage(), e);
        }
    }

    /** Where a class was loaded from (a jar or a class directory), for messages. */
    private static String location(Class<?> type) {
        CodeSource source = type.getProtectionDomain() == null ? null : type.getProtectionDomain().getCodeSource();
        @Nullable URL url = source == null ? null : source.getLocation();
        return url == null ? "an unknown location" : url.toString();
    }
}
