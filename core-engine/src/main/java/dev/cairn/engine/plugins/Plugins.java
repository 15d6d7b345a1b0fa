package dev.cairn.engine.plugins;

import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.CairnPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apiguardian.api.API;

/** The plugins of one engine: those found by {@link ServiceLoader} plus those added explicitly. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Plugins {
    private static final Logger LOG = LoggerFactory.getLogger(Plugins.class);

    private final List<CairnPlugin> plugins;
    private final List<CairnPlugin> discovered;

    private Plugins(List<CairnPlugin> plugins, List<CairnPlugin> discovered) {
        this.plugins = List.copyOf(plugins);
        this.discovered = List.copyOf(discovered);
    }

    public static Plugins discover(ClassLoader loader, List<CairnPlugin> explicit) {
        List<CairnPlugin> found = new ArrayList<>();
        java.util.Set<Class<?>> explicitTypes = new java.util.HashSet<>();
        explicit.forEach(plugin -> explicitTypes.add(plugin.getClass()));
        try {
            // A plugin added explicitly replaces the instance of its class the service loader would create (which is
            // then never created, so it holds nothing, e.g. no Arrow allocator).
            for (ServiceLoader.Provider<CairnPlugin> provider : ServiceLoader.load(CairnPlugin.class, loader).stream().toList()) {
                if (explicitTypes.contains(provider.type())) {
                    LOG.debug("Cairn plugin {} on the class path is replaced by the instance added explicitly", provider.type().getName());
                    continue;
                }
                CairnPlugin plugin = provider.get();
                log(plugin, "found");
                found.add(plugin);
            }
        } catch (ServiceConfigurationError e) {
            throw new CairnException(ErrorCode.CONFIGURATION,
                    "A Cairn plugin listed in META-INF/services/dev.cairn.api.spi.CairnPlugin cannot be loaded: " + e.getMessage()
                            + ". Check that the plugin jar and its dependencies are on the class path", e);
        }
        List<CairnPlugin> discovered = List.copyOf(found);
        for (CairnPlugin plugin : explicit) {
            log(plugin, "added");
            found.add(plugin);
        }
        return new Plugins(found, discovered);
    }

    private static void log(CairnPlugin plugin, String how) {
        Class<?> type = plugin.getClass();
        String version = type.getPackage() == null || type.getPackage().getImplementationVersion() == null ? "unversioned" : type.getPackage().getImplementationVersion();
        CodeSource source = type.getProtectionDomain() == null ? null : type.getProtectionDomain().getCodeSource();
        URL location = source == null ? null : source.getLocation();
        LOG.debug("Cairn plugin {} {} ({}, version {}, from {}): {} materializer(s), {} store provider(s)", plugin.name(), how,
                plugin.builtIn() ? "built-in" : "third-party", version, location, plugin.materializers().size(), plugin.artifactStoreProviders().size());
    }

    /** The plugins the service loader created: the engine owns them and closes them when it closes. */
    public List<CairnPlugin> discovered() {
        return discovered;
    }

    public List<CairnPlugin> all() {
        return plugins;
    }
}
