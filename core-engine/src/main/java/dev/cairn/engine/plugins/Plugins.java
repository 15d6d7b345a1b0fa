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

    /**
     * Gives each plugin that reads a stack table ({@link CairnPlugin#stackSection()}) that table of {@code stack}, or an
     * empty map when the file has none, and returns the tables no plugin on the class path reads (the caller warns:
     * a stack file shared by a Spark application and the CLI holds {@code [spark]}, which the CLI must not refuse).
     *
     * @throws CairnException {@code CONFIGURATION} naming the file and table when a plugin refuses its table
     */
    public List<dev.cairn.engine.stack.StackSettings.Section> configure(dev.cairn.engine.stack.StackSettings stack) {
        java.util.Map<String, List<CairnPlugin>> readers = new java.util.TreeMap<>();
        for (CairnPlugin plugin : plugins) {
            plugin.stackSection().ifPresent(section -> readers.computeIfAbsent(section, name -> new ArrayList<>()).add(plugin));
        }
        List<dev.cairn.engine.stack.StackSettings.Section> unread = new ArrayList<>();
        for (dev.cairn.engine.stack.StackSettings.Section section : stack.sections().values()) {
            if (!readers.containsKey(section.name())) {
                unread.add(section);
                LOG.warn("The stack file {} has the table [{}], which no Cairn plugin on the class path reads, so it is ignored; {}. Fix the table's"
                        + " name, or put the plugin's jar on the class path", section.file(), section.name(), readers.isEmpty() ? "no plugin reads a table"
                                : "the plugins read " + readers.keySet().stream().map(name -> "[" + name + "]").toList());
            }
        }
        readers.forEach((name, pluginsOfSection) -> {
            dev.cairn.engine.stack.StackSettings.Section section = stack.sections().get(name);
            for (CairnPlugin plugin : pluginsOfSection) {
                try {
                    plugin.configure(section == null ? java.util.Map.of() : section.values());
                } catch (RuntimeException e) {
                    String message = e instanceof CairnException cairn ? cairn.getMessage() : e.toString();
                    throw new CairnException(ErrorCode.CONFIGURATION, (section == null ? "The plugin " + plugin.name() + " refused its empty stack table [" + name + "]"
                            : "The stack file " + section.file() + ", table [" + name + "] (read by plugin " + plugin.name() + ")") + ": " + message, e);
                }
            }
        });
        return unread;
    }

    /**
     * Listeners the plugins add to one run ({@link CairnPlugin#runListeners()}); a plugin that fails to give them is
     * logged and left out.
     */
    public List<dev.cairn.api.run.RunListener> runListeners() {
        List<dev.cairn.api.run.RunListener> listeners = new ArrayList<>();
        for (CairnPlugin plugin : plugins) {
            try {
                listeners.addAll(plugin.runListeners());
            } catch (RuntimeException e) {
                LOG.warn("Cairn plugin {} failed to give its run listeners; the run goes on without them", plugin.name(), e);
            }
        }
        return listeners;
    }

    /** The plugins the service loader created: the engine owns them and closes them when it closes. */
    public List<CairnPlugin> discovered() {
        return discovered;
    }

    public List<CairnPlugin> all() {
        return plugins;
    }
}
