package dev.cairn.spark;

import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.SparkSession;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where Cairn's Spark code gets its session: the embedding application's ({@link SparkSession#getActiveSession()},
 * then {@link SparkSession#getDefaultSession()}), or else one built from configuration. Each setting comes from the
 * first of: the system property, the environment variable, the {@code [spark]} table of the stack file
 * ({@code cairn.toml} of the most recently opened engine whose stack has one): the master ({@code cairn.spark.master},
 * {@code CAIRN_SPARK_MASTER}, {@code master}), the app name ({@code cairn.spark.appName}, {@code CAIRN_SPARK_APP_NAME},
 * {@code appName}; default {@code cairn}), and Spark settings (every system property {@code cairn.spark.conf.<key>},
 * over the table {@code [spark.conf]}). Thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class SparkSessions {
    private static final Logger LOG = LoggerFactory.getLogger(SparkSessions.class);
    private static final String CONF_PREFIX = "cairn.spark.conf.";

    private static volatile SparkStackSettings stack = SparkStackSettings.NONE;

    private SparkSessions() {}

    /** The {@code [spark]} table of an engine's stack file, used by sessions built from now on. */
    static void useStackSettings(SparkStackSettings settings) {
        stack = java.util.Objects.requireNonNull(settings, "settings is null");
    }

    /** The {@code [spark]} table in use ({@link SparkStackSettings#NONE} when no engine's stack had one). */
    static SparkStackSettings stackSettings() {
        return stack;
    }

    /** The embedding application's session, if it has one. */
    public static Optional<SparkSession> existing() {
        Optional<SparkSession> active = SparkSessions.fromScala(SparkSession.getActiveSession());
        return active.isPresent() ? active : SparkSessions.fromScala(SparkSession.getDefaultSession());
    }

    /**
     * The embedding application's session, or one built from configuration.
     *
     * @throws dev.cairn.api.CairnException {@code CONFIGURATION} when there is neither a session nor a configured master
     */
    public static SparkSession current() {
        Optional<SparkSession> existing = existing();
        if (existing.isPresent()) {
            SparkJobGroups.applyPending(existing.get());
            return existing.get();
        }
        SparkStackSettings fromStack = stack;
        String master = master(fromStack).orElseThrow(() -> new dev.cairn.api.CairnException(
                dev.cairn.api.ErrorCode.CONFIGURATION, "A Spark Dataset artifact needs a SparkSession, and there is none: create one in the"
                        + " application (SparkSession.builder()...getOrCreate(), or run under spark-submit), or set the system property"
                        + " cairn.spark.master (environment CAIRN_SPARK_MASTER), e.g. local[*], or add a table [spark] with master = \"local[*]\""
                        + " to the stack file cairn.toml"));
        String appName = setting("cairn.spark.appName", "CAIRN_SPARK_APP_NAME").or(fromStack::appName).orElse("cairn");
        SparkSession.Builder builder = SparkSession.builder().master(master).appName(appName);
        fromStack.conf().forEach(builder::config);
        for (Map.Entry<Object, Object> property : System.getProperties().entrySet()) {
            String key = String.valueOf(property.getKey());
            if (key.startsWith(CONF_PREFIX)) {
                builder.config(key.substring(CONF_PREFIX.length()), String.valueOf(property.getValue()));
            }
        }
        SparkSession session = builder.getOrCreate();
        LOG.info("Started a SparkSession (master {}, app {}) from Cairn's configuration", master, appName);
        SparkJobGroups.applyPending(session);
        return session;
    }

    /**
     * The application's session, or one built from configuration when a master is configured ({@link #current()});
     * empty when there is neither, so the caller can do without Spark.
     */
    static Optional<SparkSession> available() {
        return existing().isPresent() || master(stack).isPresent() ? Optional.of(current()) : Optional.empty();
    }

    private static Optional<String> master(SparkStackSettings fromStack) {
        return setting("cairn.spark.master", "CAIRN_SPARK_MASTER").or(fromStack::master);
    }

    private static Optional<String> setting(String property, String environment) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(environment);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    private static Optional<SparkSession> fromScala(scala.Option<SparkSession> option) {
        return option.isDefined() ? Optional.of(option.get()) : Optional.empty();
    }
}
