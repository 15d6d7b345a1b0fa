package dev.cairn.spark;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;

/**
 * The {@code [spark]} table of a stack file ({@code cairn.toml}): {@code master}, {@code appName}, {@code conf}, a
 * table of Spark settings (nested tables join with dots, so {@code [spark.conf]} {@code spark.sql.shuffle.partitions = 8}
 * and {@code "spark.sql.shuffle.partitions" = 8} are the same setting; numbers and booleans become strings), and
 * {@code executorCheckMinBytes}, the size from which Spark's executors check a Dataset artifact's stored parts
 * ({@link DatasetMaterializer#verifyStored}).
 */
record SparkStackSettings(Optional<String> master, Optional<String> appName, Map<String, String> conf, OptionalLong executorCheckMinBytes) {
    static final List<String> KEYS = List.of("appName", "conf", "executorCheckMinBytes", "master");
    /** What Spark accepts as a master URL: local, local[N], local[*], local[N,F], local[*,F], spark://, yarn, k8s://, mesos://, local-cluster[...]. */
    private static final Pattern MASTER = Pattern.compile("local(\\[(\\*|[1-9][0-9]*)(,[1-9][0-9]*)?\\])?|local-cluster\\[.+\\]|spark://.+|yarn|k8s://.+|mesos://.+");
    static final SparkStackSettings NONE = new SparkStackSettings(Optional.empty(), Optional.empty(), Map.of(), OptionalLong.empty());

    SparkStackSettings {
        requireNonNull(master, "master is null");
        requireNonNull(appName, "appName is null");
        conf = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(conf, "conf is null")));
        requireNonNull(executorCheckMinBytes, "executorCheckMinBytes is null");
    }

    boolean isEmpty() {
        return master.isEmpty() && appName.isEmpty() && conf.isEmpty() && executorCheckMinBytes.isEmpty();
    }

    /**
     * The settings of a {@code [spark]} table.
     *
     * @throws CairnException {@code CONFIGURATION} naming the key: an unknown key, a master that is not a Spark master
     *     URL, a blank app name, a {@code conf} that is not a table or holds a list
     */
    static SparkStackSettings parse(Map<String, Object> table) {
        requireNonNull(table, "table is null");
        Optional<String> master = Optional.empty();
        Optional<String> appName = Optional.empty();
        Map<String, String> conf = new LinkedHashMap<>();
        OptionalLong executorCheckMinBytes = OptionalLong.empty();
        for (Map.Entry<String, Object> entry : table.entrySet()) {
            String key = entry.getKey();
            Object value = entry.getValue();
            switch (key) {
                case "master" -> {
                    String text = text(key, value);
                    if (!MASTER.matcher(text).matches()) {
                        throw new CairnException(ErrorCode.CONFIGURATION, "master = \"" + text + "\" is not a Spark master URL; write local[*], local[N],"
                                + " spark://host:7077, yarn or k8s://https://host:port");
                    }
                    master = Optional.of(text);
                }
                case "appName" -> appName = Optional.of(text(key, value));
                case "conf" -> {
                    if (!(value instanceof Map<?, ?> settings)) {
                        throw new CairnException(ErrorCode.CONFIGURATION, "conf must be a table of Spark settings, e.g. [spark.conf] with"
                                + " \"spark.sql.shuffle.partitions\" = 8, not " + value);
                    }
                    flatten("", settings, conf);
                }
                case "executorCheckMinBytes" -> {
                    if (!(value instanceof Long || value instanceof Integer) || ((Number) value).longValue() < 0) {
                        throw new CairnException(ErrorCode.CONFIGURATION, "executorCheckMinBytes must be a whole number of bytes (0 or more), e.g."
                                + " executorCheckMinBytes = 1073741824 (1 GiB), not " + value);
                    }
                    executorCheckMinBytes = OptionalLong.of(((Number) value).longValue());
                }
                default -> throw new CairnException(ErrorCode.CONFIGURATION, "the key '" + key + "' is not a Spark setting Cairn knows; the keys are "
                        + KEYS + " (Spark's own settings go in [spark.conf])");
            }
        }
        return new SparkStackSettings(master, appName, conf, executorCheckMinBytes);
    }

    private static String text(String key, Object value) {
        if (!(value instanceof String text) || text.isBlank()) {
            throw new CairnException(ErrorCode.CONFIGURATION, key + " must be a non-blank string, e.g. " + key + " = \""
                    + (key.equals("master") ? "local[*]" : "nightly-features") + "\", not " + value);
        }
        return text.strip();
    }

    private static void flatten(String prefix, Map<?, ?> table, Map<String, String> flat) {
        for (Map.Entry<?, ?> entry : table.entrySet()) {
            String key = prefix + entry.getKey();
            Object value = entry.getValue();
            if (value instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, flat);
            } else if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                flat.put(key, String.valueOf(value));
            } else {
                throw new CairnException(ErrorCode.CONFIGURATION, "conf." + key + " must be a string, number or boolean, not " + value);
            }
        }
    }
}
