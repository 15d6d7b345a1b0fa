package dev.cairn.engine.stack;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import dev.cairn.api.CairnConfiguration;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.engine.stores.UriMasking;
import org.apiguardian.api.API;

/**
 * The stack of an engine — metadata store URI and artifact store URI — and where each came from. Each is chosen, in
 * order, from the configuration (API, or the CLI's {@code --metadata}/{@code --store}), the environment
 * ({@code CAIRN_METADATA}, {@code CAIRN_ARTIFACT_STORE}), the file {@code cairn.toml} or {@code cairn.properties} in
 * the home (keys {@code metadata} and {@code store}; a home holding both files is a configuration error, so no value is
 * silently ignored), else the embedded defaults ({@code sqlite:<home>/metadata.db}, {@code <home>/store}). A
 * {@code cairn.toml} may also hold tables ({@code [spark]}) that plugins read ({@code CairnPlugin.stackSection()}): they
 * are kept, by name, in {@link #sections()}; whether a plugin reads each is checked by the engine.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record StackSettings(Setting metadata, Setting artifactStore, Map<String, Section> sections) {
    /** The environment variable naming the metadata store URI. */
    public static final String METADATA_ENV = "CAIRN_METADATA";
    /** The environment variable naming the artifact store URI. */
    public static final String STORE_ENV = "CAIRN_ARTIFACT_STORE";
    /** The file in the home that names the stack, as Java properties. */
    public static final String FILE = "cairn.properties";
    /** The file in the home that names the stack, as TOML (the same keys as {@link #FILE}, string values). */
    public static final String TOML_FILE = "cairn.toml";
    private static final java.util.Set<String> KEYS = java.util.Set.of("metadata", "store");

    /** One URI of the stack and where it came from ({@code configuration}, {@code environment CAIRN_METADATA}, …). */
    public record Setting(URI uri, String source) {
        public Setting {
            requireNonNull(uri, "uri is null");
            requireNonNull(source, "source is null");
        }

        /** The URI with any password replaced by {@code ****}. */
        public String maskedUri() {
            return UriMasking.mask(uri);
        }
    }

    /**
     * A table of the stack file for a plugin: its name ({@code spark}), its values (TOML strings, integers as
     * {@code Long}, floats as {@code Double}, booleans, lists and nested tables as maps, in file order) and the file.
     */
    public record Section(String name, Map<String, Object> values, Path file) {
        public Section {
            requireNonNull(name, "name is null");
            values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(requireNonNull(values, "values is null")));
            requireNonNull(file, "file is null");
        }

        /** Where it came from, for messages: {@code /home/cairn.toml [spark]}. */
        public String source() {
            return file + " [" + name + "]";
        }
    }

    public StackSettings {
        requireNonNull(metadata, "metadata is null");
        requireNonNull(artifactStore, "artifactStore is null");
        sections = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(requireNonNull(sections, "sections is null")));
    }

    /** A stack without plugin tables. */
    public StackSettings(Setting metadata, Setting artifactStore) {
        this(metadata, artifactStore, Map.of());
    }

    /** The stack of {@code configuration} in the process environment. */
    public static StackSettings resolve(CairnConfiguration configuration) {
        return resolve(configuration, System.getenv());
    }

    /**
     * The stack of {@code configuration} given {@code environment}.
     *
     * @throws CairnException {@code CONFIGURATION} naming the variable or file when a value is not a URI, or the file
     *     cannot be read
     */
    public static StackSettings resolve(CairnConfiguration configuration, Map<String, String> environment) {
        requireNonNull(configuration, "configuration is null");
        requireNonNull(environment, "environment is null");
        Path home = configuration.home();
        StackFile file = readStackFile(home);
        Setting metadata;
        if (configuration.metadataUri().isPresent()) {
            metadata = new Setting(configuration.metadataUri().get(), "configuration");
        } else if (configuration.metadataDatabase().isPresent()) {
            metadata = new Setting(URI.create("sqlite:" + configuration.metadataDatabase().get().toAbsolutePath().toUri().getRawPath()), "configuration");
        } else {
            metadata = fromEnvironmentOrFile(environment, METADATA_ENV, file, "metadata", home)
                    .orElseGet(() -> new Setting(URI.create("sqlite:" + home.resolve("metadata.db").toUri().getRawPath()), "default"));
        }
        Setting store = configuration.artifactStoreUri().map(uri -> new Setting(uri, "configuration"))
                .or(() -> fromEnvironmentOrFile(environment, STORE_ENV, file, "store", home))
                .orElseGet(() -> new Setting(home.resolve("store").toUri(), "default"));
        return new StackSettings(metadata, store, file.sections());
    }

    private static Optional<Setting> fromEnvironmentOrFile(Map<String, String> environment, String variable, StackFile file, String key, Path home) {
        String value = environment.get(variable);
        if (value != null && !value.isBlank()) {
            return Optional.of(new Setting(parse(value.strip(), "environment variable " + variable), "environment " + variable));
        }
        String fromFile = file.values().get(key);
        if (fromFile != null && !fromFile.isBlank()) {
            String where = file.path() + " (" + key + ")";
            return Optional.of(new Setting(parse(fromFile.strip(), where), where));
        }
        return Optional.empty();
    }

    private static URI parse(String value, String where) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null) {
                throw new CairnException(ErrorCode.CONFIGURATION, "The " + where + " holds '" + UriMasking.mask(value)
                        + "', which has no scheme; write a URI such as sqlite:/path/metadata.db, postgresql://host/db or file:/path/store");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new CairnException(ErrorCode.CONFIGURATION, "The " + where + " holds '" + UriMasking.mask(value) + "', which is not a URI: "
                    + e.getReason() + "; percent-encode spaces and special characters");
        }
    }

    /** The stack file of a home: its path ({@code cairn.properties} when there is none), its values by key, its tables. */
    private record StackFile(Path path, Map<String, String> values, Map<String, Section> sections) {}

    private static StackFile readStackFile(Path home) {
        Path properties = home.resolve(FILE);
        Path toml = home.resolve(TOML_FILE);
        boolean hasToml = Files.isRegularFile(toml);
        if (hasToml && Files.isRegularFile(properties)) {
            throw new CairnException(ErrorCode.CONFIGURATION, "The home " + home + " holds both " + TOML_FILE + " and " + FILE
                    + "; Cairn reads one stack file per home. Keep one of them (same keys: metadata, store) and delete the other");
        }
        if (hasToml) {
            Map<String, Section> sections = new java.util.HashMap<>();
            Map<String, String> values = readToml(toml, sections);
            return new StackFile(toml, values, sections);
        }
        Map<String, String> values = new java.util.HashMap<>();
        readFile(properties).forEach((key, value) -> values.put((String) key, (String) value));
        return new StackFile(properties, values, Map.of());
    }

    private static Map<String, String> readToml(Path file, Map<String, Section> sections) {
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            tree = new com.fasterxml.jackson.dataformat.toml.TomlMapper().readTree(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new CairnException(ErrorCode.CONFIGURATION, "Cannot read the stack file " + file + ": " + UriMasking.mask(String.valueOf(e.getMessage()))
                    + "; write TOML such as metadata = \"postgresql://host/db?user=cairn\" and store = \"hdfs://namenode:8020/cairn\"", e);
        }
        Map<String, String> values = new java.util.HashMap<>();
        if (tree == null) {
            return values;
        }
        for (java.util.Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> fields = tree.fields(); fields.hasNext();) {
            Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> field = fields.next();
            if (field.getValue().isObject() && !KEYS.contains(field.getKey())) {
                @SuppressWarnings("unchecked")
                Map<String, Object> table = (Map<String, Object>) plain(field.getValue());
                sections.put(field.getKey(), new Section(field.getKey(), table, file));
                continue;
            }
            if (!KEYS.contains(field.getKey())) {
                throw new CairnException(ErrorCode.CONFIGURATION, "The stack file " + file + " has the key '" + field.getKey()
                        + "', which Cairn does not know; the keys are " + new java.util.TreeSet<>(KEYS)
                        + ", and tables such as [spark] that plugins read");
            }
            if (!field.getValue().isTextual()) {
                throw new CairnException(ErrorCode.CONFIGURATION, "The stack file " + file + " gives '" + field.getKey()
                        + "' a value that is not a string; quote the URI: " + field.getKey() + " = \"...\"");
            }
            values.put(field.getKey(), field.getValue().asText());
        }
        return values;
    }

    /** A TOML value as plain Java: String, Long, Double, Boolean, List, or Map in file order. */
    private static Object plain(com.fasterxml.jackson.databind.JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new java.util.LinkedHashMap<>();
            node.fields().forEachRemaining(entry -> map.put(entry.getKey(), plain(entry.getValue())));
            return map;
        }
        if (node.isArray()) {
            java.util.List<Object> list = new java.util.ArrayList<>();
            node.forEach(element -> list.add(plain(element)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText();
    }

    private static Properties readFile(Path file) {
        Properties properties = new Properties();
        if (!Files.isRegularFile(file)) {
            return properties;
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
            return properties;
        } catch (IOException | IllegalArgumentException e) {
            throw new CairnException(ErrorCode.CONFIGURATION, "Cannot read the stack file " + file + ": " + e.getMessage()
                    + "; fix or remove it (keys: metadata, store)", e);
        }
    }
}
