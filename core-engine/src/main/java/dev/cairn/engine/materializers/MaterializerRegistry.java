package dev.cairn.engine.materializers;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Type;
import java.security.CodeSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.pipeline.GenericTypes;
import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.Materializer;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The materializers known to one engine, and the choice of one for a value type.
 *
 * <p>{@link #resolve(Type)} walks the raw class of the type level by level: the exact class (primitives boxed
 * first), each superclass up the chain, then the interfaces (those of the class and of its superclasses,
 * breadth first, then their superinterfaces), and {@link Object} last. At the first level where some
 * materializer lists the class in {@link Materializer#handledTypes()} and accepts the full generic type in
 * {@link Materializer#canSave(Type)}, that materializer is chosen; a plugin's materializer beats a built-in
 * one, and two of the same kind are an error. There is no Java-serialization fallback.
 *
 * <p>Immutable once built and thread-safe; resolutions are cached per type.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class MaterializerRegistry {
    private static final Logger log = LoggerFactory.getLogger(MaterializerRegistry.class);

    private final List<Registration> registrations;
    private final Map<String, Registration> byId;
    private final Map<Class<?>, List<Registration>> byHandledType;
    private final ConcurrentMap<Type, Materializer<?>> resolved = new ConcurrentHashMap<>();

    /**
     * One materializer as registered by a plugin.
     *
     * @param materializer the materializer
     * @param builtIn whether it comes from one of Cairn's built-in plugins ({@link CairnPlugin#builtIn()})
     * @param source the plugin it came from, for messages and logs
     */
    @API(status = API.Status.INTERNAL, since = "0.1")
    public record Registration(Materializer<?> materializer, boolean builtIn, String source) {
        public Registration {
            requireNonNull(materializer, "materializer is null");
            requireNonNull(source, "source is null");
        }

        String describe() {
            return materializer.id() + " (" + (builtIn ? "built-in, " : "plugin ") + source + ")";
        }
    }

    private MaterializerRegistry(List<Registration> registrations) {
        this.registrations = List.copyOf(registrations);
        Map<String, Registration> ids = new LinkedHashMap<>();
        Map<Class<?>, List<Registration>> handled = new LinkedHashMap<>();
        for (Registration registration : this.registrations) {
            Materializer<?> materializer = registration.materializer();
            String id = requireNonNull(materializer.id(), () -> "id() of " + materializer.getClass().getName() + " is null");
            requireNonNull(materializer.version(), () -> "version() of materializer " + id + " is null");
            Registration previous = ids.putIfAbsent(id, registration);
            if (previous != null) {
                throw new CairnException(ErrorCode.CONFIGURATION, "Two materializers share the id '" + id + "': "
                        + materializer.getClass().getName() + " from " + registration.source() + " and "
                        + previous.materializer().getClass().getName() + " from " + previous.source()
                        + ". Remove one of the plugins from the class path, or give one materializer another id.");
            }
            List<Class<?>> types = requireNonNull(materializer.handledTypes(), () -> "handledTypes() of materializer " + id + " is null");
            for (Class<?> type : types) {
                handled.computeIfAbsent(GenericTypes.box(requireNonNull(type, "handled type is null")), key -> new ArrayList<>())
                        .add(registration);
            }
            log.debug("Registered materializer {} version {} for {} from {} ({})", id, materializer.version(),
                    types.stream().map(Class::getName).collect(Collectors.joining(", ")), registration.source(),
                    location(materializer.getClass()));
        }
        this.byId = Collections.unmodifiableMap(ids);
        Map<Class<?>, List<Registration>> frozen = new LinkedHashMap<>();
        handled.forEach((type, list) -> frozen.put(type, List.copyOf(list)));
        this.byHandledType = Collections.unmodifiableMap(frozen);
    }

    /** A registry of the materializers of {@code plugins}, in order; built-in plugins are told by {@link CairnPlugin#builtIn()}. */
    public static MaterializerRegistry of(List<? extends CairnPlugin> plugins) {
        requireNonNull(plugins, "plugins is null");
        List<Registration> registrations = new ArrayList<>();
        for (CairnPlugin plugin : plugins) {
            requireNonNull(plugin, "plugin is null");
            List<Materializer<?>> materializers = requireNonNull(plugin.materializers(), () -> "materializers() of plugin " + plugin.name() + " is null");
            for (Materializer<?> materializer : materializers) {
                registrations.add(new Registration(materializer, plugin.builtIn(), plugin.name()));
            }
        }
        return new MaterializerRegistry(registrations);
    }

    /** A registry of exactly these registrations, in order. */
    public static MaterializerRegistry ofRegistrations(List<Registration> registrations) {
        requireNonNull(registrations, "registrations is null");
        return new MaterializerRegistry(registrations);
    }

    /** All registrations, in registration order; never {@code null}. */
    public List<Registration> registrations() {
        return registrations;
    }

    /**
     * The most specific materializer that can save values of the full generic {@code type}.
     *
     * @throws CairnException {@link ErrorCode#NO_MATERIALIZER} when none can, {@link ErrorCode#AMBIGUOUS_MATERIALIZER}
     *     when two of the same kind (two plugins, or two built-ins) tie at the most specific level
     */
    public Materializer<?> resolve(Type type) {
        requireNonNull(type, "type is null");
        Materializer<?> cached = resolved.get(type);
        if (cached != null) {
            return cached;
        }
        // Not computeIfAbsent: canSave is foreign code and may itself ask this registry.
        Materializer<?> materializer = resolveUncached(type);
        Materializer<?> raced = resolved.putIfAbsent(type, materializer);
        return raced != null ? raced : materializer;
    }

    /**
     * The materializer with {@code id}, for an output whose materializer the user chose explicitly.
     *
     * @throws CairnException {@link ErrorCode#NO_MATERIALIZER} naming the known ids when there is none
     */
    public Materializer<?> byId(String id) {
        requireNonNull(id, "id is null");
        Registration registration = byId.get(id);
        if (registration == null) {
            throw new CairnException(ErrorCode.NO_MATERIALIZER, "No materializer has the id '" + id + "'. Known ids: "
                    + knownIds() + ". Check the id given to StepOptions.builder().materializer(output, id), or add the "
                    + "plugin that provides it to the class path.");
        }
        return registration.materializer();
    }

    /** The registered materializer with {@code id}, if any (an artifact's writer may be missing from this class path). */
    public java.util.Optional<Materializer<?>> find(String id) {
        requireNonNull(id, "id is null");
        return java.util.Optional.ofNullable(byId.get(id)).map(Registration::materializer);
    }

    /**
     * The materializer that wrote an artifact, by the id recorded with it.
     *
     * @throws CairnException {@link ErrorCode#NO_MATERIALIZER} when no registered materializer has that id
     */
    public Materializer<?> forLoad(String materializerId) {
        requireNonNull(materializerId, "materializerId is null");
        Registration registration = byId.get(materializerId);
        if (registration == null) {
            throw new CairnException(ErrorCode.NO_MATERIALIZER, "The artifact was written by materializer '" + materializerId
                    + "', which is not registered. Add the plugin that provides it to the class path (registered in "
                    + "META-INF/services/" + CairnPlugin.class.getName() + "). Known ids: " + knownIds() + ".");
        }
        return registration.materializer();
    }

    /**
     * The materializer that loads an artifact written by {@code writerId} and stored as {@code storedType} (null when
     * its classes are not on this class path) as {@code requested} (null: as stored).
     *
     * <p>The writer, when {@code requested} is null, the stored type is assignable to it, or the writer lists a class
     * that {@code requested}'s raw class is assignable to in its {@link Materializer#handledTypes()}. Otherwise the
     * registered materializer whose {@link Materializer#canLoad(String, Type)} accepts the writer's files as
     * {@code requested} (a plugin's over a built-in one, as in {@link #resolve}); when none does, the writer, whose
     * load reports the mismatch.
     *
     * @throws CairnException {@link ErrorCode#NO_MATERIALIZER} when the writer is not registered,
     *     {@link ErrorCode#AMBIGUOUS_MATERIALIZER} when two of the same kind accept
     */
    public Materializer<?> forLoad(String writerId, @org.jspecify.annotations.Nullable Type storedType,
            @org.jspecify.annotations.Nullable Type requested) {
        Materializer<?> writer = forLoad(writerId);
        if (requested == null || writerProduces(writer, storedType, requested)) {
            return writer;
        }
        return readerOf(writerId, requested).orElse(writer);
    }

    /**
     * The materializer other than {@code writerId} that declares it loads that writer's artifacts as {@code requested};
     * empty when none does.
     *
     * @throws CairnException {@link ErrorCode#AMBIGUOUS_MATERIALIZER} when two of the same kind (two plugins, or two
     *     built-ins) do
     */
    public java.util.Optional<Materializer<?>> readerOf(String writerId, Type requested) {
        requireNonNull(writerId, "writerId is null");
        requireNonNull(requested, "requested is null");
        List<Registration> plugins = new ArrayList<>();
        List<Registration> builtIns = new ArrayList<>();
        for (Registration registration : registrations) {
            Materializer<?> materializer = registration.materializer();
            if (materializer.id().equals(writerId)) {
                continue;
            }
            boolean reads;
            try {
                reads = materializer.canLoad(writerId, requested);
            } catch (RuntimeException e) {
                throw new CairnException(ErrorCode.CONFIGURATION, "Materializer " + registration.describe() + " failed in canLoad(" + writerId
                        + ", " + requested.getTypeName() + "): " + e, e);
            }
            if (reads) {
                (registration.builtIn() ? builtIns : plugins).add(registration);
            }
        }
        List<Registration> candidates = plugins.isEmpty() ? builtIns : plugins;
        if (candidates.size() > 1) {
            throw new CairnException(ErrorCode.AMBIGUOUS_MATERIALIZER, "Artifacts written by materializer '" + writerId + "' can be loaded as "
                    + requested.getTypeName() + " by several materializers: " + candidates.stream().map(Registration::describe)
                    .collect(Collectors.joining(", ")) + ". Remove one of the plugins from the class path, or load the artifact as its stored type.");
        }
        if (candidates.isEmpty()) {
            return java.util.Optional.empty();
        }
        Materializer<?> chosen = candidates.get(0).materializer();
        log.debug("Materializer {} chosen to load {} artifacts as {}", chosen.id(), writerId, requested.getTypeName());
        return java.util.Optional.of(chosen);
    }

    private static boolean writerProduces(Materializer<?> writer, @org.jspecify.annotations.Nullable Type storedType, Type requested) {
        if (storedType != null && GenericTypes.isAssignable(storedType, requested)) {
            return true;
        }
        Class<?> raw = GenericTypes.box(GenericTypes.rawClass(requested));
        for (Class<?> handled : writer.handledTypes()) {
            if (GenericTypes.box(handled).isAssignableFrom(raw)) {
                return true;
            }
        }
        return false;
    }

    private Materializer<?> resolveUncached(Type type) {
        Class<?> raw = GenericTypes.box(GenericTypes.rawClass(type));
        Type asked = type instanceof Class<?> c && c.isPrimitive() ? raw : type;
        List<Registration> refused = new ArrayList<>();
        for (Class<?> level : lookupOrder(raw)) {
            List<Registration> registered = byHandledType.get(level);
            if (registered == null) {
                continue;
            }
            List<Registration> plugins = new ArrayList<>();
            List<Registration> builtIns = new ArrayList<>();
            for (Registration registration : registered) {
                if (!canSave(registration, asked)) {
                    refused.add(registration);
                } else if (registration.builtIn()) {
                    builtIns.add(registration);
                } else {
                    plugins.add(registration);
                }
            }
            List<Registration> candidates = plugins.isEmpty() ? builtIns : plugins;
            if (candidates.size() == 1) {
                Materializer<?> chosen = candidates.get(0).materializer();
                log.debug("Materializer {} chosen for {} (registered for {})", chosen.id(), type.getTypeName(), level.getName());
                return chosen;
            }
            if (candidates.size() > 1) {
                String ids = candidates.stream().map(Registration::describe).collect(Collectors.joining(", "));
                throw new CairnException(ErrorCode.AMBIGUOUS_MATERIALIZER, "Type " + type.getTypeName()
                        + " can be stored by several materializers registered for " + level.getName() + ": " + ids
                        + ". Choose one per output with StepOptions.builder().materializer(output, id), e.g. "
                        + "StepOptions.builder().materializer(\"output\", \"" + candidates.get(0).materializer().id() + "\").");
            }
        }
        StringBuilder message = new StringBuilder("No materializer can store type ").append(type.getTypeName()).append('.');
        if (!refused.isEmpty()) {
            message.append(" Considered and refused for this type: ")
                    .append(refused.stream().map(Registration::describe).distinct().collect(Collectors.joining(", ")))
                    .append('.');
        }
        message.append(" To add one, implement ").append(Materializer.class.getName())
                .append(" for it, return it from materializers() of a ").append(CairnPlugin.class.getName())
                .append(", and register the plugin in META-INF/services/").append(CairnPlugin.class.getName())
                .append(". Cairn never falls back to Java serialization.");
        throw new CairnException(ErrorCode.NO_MATERIALIZER, message.toString());
    }

    private static boolean canSave(Registration registration, Type type) {
        try {
            return registration.materializer().canSave(type);
        } catch (RuntimeException e) {
            throw new CairnException(ErrorCode.CONFIGURATION, "Materializer " + registration.describe()
                    + " failed in canSave(" + type.getTypeName() + "): " + e, e);
        }
    }

    /**
     * The classes to look up for {@code raw}, most specific first: the class, its superclasses, the interfaces of
     * the class and its superclasses breadth first with their superinterfaces, then {@code Object}.
     */
    static List<Class<?>> lookupOrder(Class<?> raw) {
        Set<Class<?>> order = new LinkedHashSet<>();
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = raw; c != null && c != Object.class; c = c.getSuperclass()) {
            chain.add(c);
        }
        order.addAll(chain);
        Deque<Class<?>> queue = new ArrayDeque<>();
        for (Class<?> c : chain) {
            queue.addAll(List.of(c.getInterfaces()));
        }
        while (!queue.isEmpty()) {
            Class<?> next = queue.removeFirst();
            if (order.add(next)) {
                queue.addAll(List.of(next.getInterfaces()));
            }
        }
        order.add(Object.class);
        return List.copyOf(order);
    }

    private String knownIds() {
        return new TreeSet<>(byId.keySet()).toString();
    }

    private static String location(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? "unknown location" : source.getLocation().toString();
    }
}
