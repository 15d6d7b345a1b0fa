package dev.cairn.stores.hdfs;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apiguardian.api.API;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.ArtifactStoreProvider;
import dev.cairn.api.spi.RelativePaths;
import dev.cairn.api.spi.StoreContext;

/**
 * Creates {@link HdfsArtifactStore}s for Hadoop file-system URIs such as {@code hdfs://namenode:8020/cairn/store/}.
 *
 * <p><b>Schemes.</b> {@code hdfs}, {@code webhdfs} and {@code viewfs} work with this module alone (the shaded Hadoop
 * client includes them; {@code viewfs} needs its mount table in the configuration). {@code s3a}, {@code abfs},
 * {@code abfss} and {@code gs} work when the user adds the matching Hadoop connector (and its settings) to the class
 * path: {@code org.apache.hadoop:hadoop-aws}, {@code org.apache.hadoop:hadoop-azure}, or Google's
 * {@code com.google.cloud.bigdataoss:gcs-connector}; without it, {@link #create} fails with a
 * {@link ErrorCode#CONFIGURATION} error that names the missing connector.
 *
 * <p><b>Configuration</b>, each layer overriding the one before:
 * <ol>
 *   <li>Hadoop's defaults, and {@code core-site.xml} and {@code hdfs-site.xml} found on the class path;</li>
 *   <li>{@code core-site.xml} and {@code hdfs-site.xml} in the directory named by {@value #HADOOP_CONF_DIR} or, when
 *       that key is absent, by the environment variable {@code HADOOP_CONF_DIR};</li>
 *   <li>the settings given to {@link #HdfsArtifactStoreProvider(Map) the constructor};</li>
 *   <li>the properties of the {@link StoreContext} passed to {@link #create(URI, StoreContext)}.</li>
 * </ol>
 * In the last two, keys starting with {@code cairn.} are this store's own ({@value #HADOOP_CONF_DIR},
 * {@value #RETRY_MAX_ATTEMPTS}, {@value #RETRY_INITIAL_BACKOFF_MS}, {@value #RETRY_MAX_BACKOFF_MS}; any other
 * {@code cairn.} key is refused, so that a misspelt one is not silently ignored), and every other key is a Hadoop
 * setting passed on as is (for example {@code dfs.replication} or {@code fs.s3a.endpoint}).
 *
 * <p>The engine opens stores with the properties set by {@code CairnConfiguration.Builder.storeProperty(scheme, key,
 * value)} for the root's scheme; to give every store of a provider settings, register a plugin whose {@code artifactStoreProviders()} returns {@code new HdfsArtifactStoreProvider(settings)} (a third-party
 * plugin replaces the built-in provider for its schemes), or use the class path or {@code HADOOP_CONF_DIR}.
 *
 * <p>Each store gets a {@link FileSystem} instance of its own ({@link FileSystem#newInstance}, never Hadoop's shared
 * cache), which the store closes. The client acts as the Hadoop user of the thread that creates the store
 * ({@code UserGroupInformation.getCurrentUser()}). Thread-safe and immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class HdfsArtifactStoreProvider implements ArtifactStoreProvider {
    /** Directory holding {@code core-site.xml} and/or {@code hdfs-site.xml} to load. */
    public static final String HADOOP_CONF_DIR = "cairn.hadoop.conf.dir";
    /** How many times a file-system call is tried in all when it fails transiently; default 6. */
    public static final String RETRY_MAX_ATTEMPTS = "cairn.retry.max-attempts";
    /** Milliseconds to wait before the first retry; each further wait doubles. Default 500. */
    public static final String RETRY_INITIAL_BACKOFF_MS = "cairn.retry.initial-backoff-ms";
    /** Longest wait between two attempts, in milliseconds; default 10000. */
    public static final String RETRY_MAX_BACKOFF_MS = "cairn.retry.max-backoff-ms";

    /** The URI schemes this provider handles. */
    public static final Set<String> SCHEMES = Set.of("hdfs", "webhdfs", "viewfs", "s3a", "abfs", "abfss", "gs");

    private static final Set<String> OWN_KEYS =
            Set.of(HADOOP_CONF_DIR, RETRY_MAX_ATTEMPTS, RETRY_INITIAL_BACKOFF_MS, RETRY_MAX_BACKOFF_MS);
    private static final String OWN_PREFIX = "cairn.";
    private static final List<String> SITE_FILES = List.of("core-site.xml", "hdfs-site.xml");
    private static final Map<String, String> CONNECTORS = Map.of(
            "s3a", "the Hadoop S3A connector org.apache.hadoop:hadoop-aws (same version as the Hadoop client, with the"
                    + " AWS SDK bundle it names)",
            "abfs", "the Hadoop Azure connector org.apache.hadoop:hadoop-azure (same version as the Hadoop client)",
            "abfss", "the Hadoop Azure connector org.apache.hadoop:hadoop-azure (same version as the Hadoop client)",
            "gs", "Google's Cloud Storage connector com.google.cloud.bigdataoss:gcs-connector (its Hadoop 3 build)");

    private final Map<String, String> defaults;
    private final UnaryOperator<String> environment;

    /** A provider with no settings of its own beyond the class path and {@code HADOOP_CONF_DIR}. */
    public HdfsArtifactStoreProvider() {
        this(Map.of());
    }

    /**
     * A provider whose stores all get {@code settings} (Cairn and Hadoop keys, as described above) under the
     * configuration passed to {@link #create}.
     *
     * @throws CairnException {@code CONFIGURATION} if a {@code cairn.} key is unknown
     */
    public HdfsArtifactStoreProvider(Map<String, String> settings) {
        this(settings, System::getenv);
    }

    /** For tests: the environment is read through {@code environment}. */
    HdfsArtifactStoreProvider(Map<String, String> settings, UnaryOperator<String> environment) {
        requireNonNull(settings, "settings is null");
        this.defaults = Map.copyOf(settings);
        this.environment = requireNonNull(environment, "environment is null");
        checkOwnKeys(defaults, "the provider's settings");
    }

    @Override
    public Set<String> schemes() {
        return SCHEMES;
    }

    /**
     * Opens the store rooted at {@code rootUri}, creating the directory if needed.
     *
     * @throws CairnException {@code UNSUPPORTED_URI} if {@code rootUri} is not an absolute, hierarchical URI of one
     *     of {@link #SCHEMES} without query, fragment or {@code ..}; {@code CONFIGURATION} if a setting is unusable
     *     or the scheme's connector is missing; {@code STORE_FAILURE} if the root cannot be opened or created
     */
    @Override
    public ArtifactStore create(URI rootUri, StoreContext context) {
        requireNonNull(rootUri, "rootUri is null");
        requireNonNull(context, "context is null");
        Map<String, String> configuration = context.properties();
        URI root = checkRoot(rootUri);
        Map<String, String> settings = new LinkedHashMap<>(defaults);
        checkOwnKeys(configuration, "the configuration of " + rootUri);
        settings.putAll(configuration);
        Configuration hadoop = hadoopConfiguration(settings, rootUri);
        FaultRetry retry = retry(settings, rootUri);
        FileSystem fileSystem = fileSystem(root, hadoop);
        try {
            return new HdfsArtifactStore(fileSystem, root, retry, context);
        } catch (RuntimeException e) {
            try {
                fileSystem.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return "HdfsArtifactStoreProvider" + new TreeSet<>(SCHEMES);
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The root with a lower-case scheme and a normalised path, or an {@code UNSUPPORTED_URI} error. */
    private static URI checkRoot(URI rootUri) {
        String scheme = rootUri.getScheme() == null ? null : rootUri.getScheme().toLowerCase(Locale.ROOT);
        if (!rootUri.isAbsolute() || scheme == null || !SCHEMES.contains(scheme)) {
            throw new CairnException(ErrorCode.UNSUPPORTED_URI, "The Hadoop artifact store handles "
                    + new TreeSet<>(SCHEMES) + " URIs only, not '" + rootUri + "'");
        }
        if (rootUri.isOpaque() || rootUri.getRawQuery() != null || rootUri.getRawFragment() != null) {
            throw new CairnException(ErrorCode.UNSUPPORTED_URI, "'" + rootUri + "' is not a usable root for a Hadoop"
                    + " artifact store: write a hierarchical URI without query or fragment, such as"
                    + " hdfs://namenode:8020/cairn/store/");
        }
        String path = rootUri.getPath() == null || rootUri.getPath().isEmpty() ? "/" : rootUri.getPath();
        for (String name : path.split("/")) {
            if (name.equals("..") || name.equals(".")) {
                throw new CairnException(ErrorCode.UNSUPPORTED_URI, "'" + rootUri + "' is not a usable root for a"
                        + " Hadoop artifact store: its path contains '" + name + "'; write the normalised path");
            }
        }
        for (int i = 0; i < path.length(); i++) {
            if (Character.isISOControl(path.charAt(i)) || path.charAt(i) == '\\') {
                throw new CairnException(ErrorCode.UNSUPPORTED_URI, "'" + RelativePaths.printable(rootUri.toString())
                        + "' is not a usable root for a Hadoop artifact store: its path contains a control character"
                        + " or a backslash");
            }
        }
        try {
            return new URI(scheme, rootUri.getRawAuthority() == null ? null : rootUri.getAuthority(), path, null, null);
        } catch (URISyntaxException e) {
            throw new CairnException(ErrorCode.UNSUPPORTED_URI, "'" + rootUri + "' is not a usable root for a Hadoop"
                    + " artifact store (" + e.getMessage() + ")", e);
        }
    }

    private static void checkOwnKeys(Map<String, String> settings, String where) {
        Set<String> unknown = new TreeSet<>();
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            requireNonNull(setting.getKey(), "a setting's key is null");
            requireNonNull(setting.getValue(), () -> "the value of " + setting.getKey() + " is null");
            if (setting.getKey().startsWith(OWN_PREFIX) && !OWN_KEYS.contains(setting.getKey())) {
                unknown.add(setting.getKey());
            }
        }
        if (!unknown.isEmpty()) {
            throw new CairnException(ErrorCode.CONFIGURATION, "Unknown settings " + unknown + " in " + where
                    + "; the Hadoop artifact store knows " + new TreeSet<>(OWN_KEYS)
                    + " (every key not starting with 'cairn.' is passed to Hadoop)");
        }
    }

    private Configuration hadoopConfiguration(Map<String, String> settings, URI rootUri) {
        Configuration configuration = new Configuration();
        ClassLoader loader = HdfsArtifactStoreProvider.class.getClassLoader();
        for (String file : SITE_FILES) {
            URL resource = loader == null ? null : loader.getResource(file);
            if (resource != null) {
                configuration.addResource(resource);
            }
        }
        String directory = settings.get(HADOOP_CONF_DIR);
        String source = HADOOP_CONF_DIR;
        if (directory == null) {
            directory = environment.apply("HADOOP_CONF_DIR");
            source = "the environment variable HADOOP_CONF_DIR";
        }
        if (directory != null && !directory.isBlank()) {
            addSiteFiles(configuration, directory, source, rootUri);
        }
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            if (!setting.getKey().startsWith(OWN_PREFIX)) {
                configuration.set(setting.getKey(), setting.getValue(), "Cairn store configuration");
            }
        }
        try {
            configuration.get("fs.defaultFS"); // loads every resource now, so a broken file fails here
        } catch (RuntimeException e) {
            throw new CairnException(ErrorCode.CONFIGURATION, "Cannot read the Hadoop configuration for " + rootUri
                    + ": " + e.getMessage() + ". Fix or remove the broken core-site.xml / hdfs-site.xml.", e);
        }
        return configuration;
    }

    private static void addSiteFiles(Configuration configuration, String directory, String source, URI rootUri) {
        Path path;
        try {
            path = Path.of(directory);
        } catch (InvalidPathException e) {
            throw new CairnException(ErrorCode.CONFIGURATION, "The Hadoop configuration directory '" + directory
                    + "' (from " + source + ") for " + rootUri + " is not a valid path: " + e.getMessage(), e);
        }
        if (!Files.isDirectory(path)) {
            throw new CairnException(ErrorCode.CONFIGURATION, "The Hadoop configuration directory " + path
                    + " (from " + source + ") for " + rootUri + " does not exist or is not a directory; point "
                    + source + " at the directory holding core-site.xml and hdfs-site.xml");
        }
        int found = 0;
        for (String file : SITE_FILES) {
            Path site = path.resolve(file);
            if (Files.isRegularFile(site)) {
                try {
                    configuration.addResource(site.toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new IllegalStateException("cannot turn " + site + " into a URL", e);
                }
                found++;
            }
        }
        if (found == 0) {
            throw new CairnException(ErrorCode.CONFIGURATION, "The Hadoop configuration directory " + path
                    + " (from " + source + ") for " + rootUri + " holds neither core-site.xml nor hdfs-site.xml;"
                    + " point " + source + " at the directory that does");
        }
    }

    private static FaultRetry retry(Map<String, String> settings, URI rootUri) {
        int attempts = (int) number(settings, RETRY_MAX_ATTEMPTS, 6, 1, 1000, rootUri);
        long initial = number(settings, RETRY_INITIAL_BACKOFF_MS, 500, 0, 3_600_000, rootUri);
        long max = number(settings, RETRY_MAX_BACKOFF_MS, 10_000, 0, 3_600_000, rootUri);
        if (max < initial) {
            throw new CairnException(ErrorCode.CONFIGURATION, RETRY_MAX_BACKOFF_MS + " (" + max + ") is smaller than "
                    + RETRY_INITIAL_BACKOFF_MS + " (" + initial + ") for " + rootUri + "; raise it or lower the other");
        }
        return new FaultRetry(attempts, Duration.ofMillis(initial), Duration.ofMillis(max));
    }

    private static long number(Map<String, String> settings, String key, long fallback, long min, long max,
            URI rootUri) {
        String value = settings.get(key);
        if (value == null) {
            return fallback;
        }
        long number;
        try {
            number = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            number = Long.MIN_VALUE;
        }
        if (number < min || number > max) {
            throw new CairnException(ErrorCode.CONFIGURATION, key + " is '" + value + "' for " + rootUri
                    + "; it must be a whole number from " + min + " to " + max);
        }
        return number;
    }

    private static FileSystem fileSystem(URI root, Configuration configuration) {
        String scheme = root.getScheme();
        try {
            return FileSystem.newInstance(root, configuration);
        } catch (UnsupportedFileSystemException e) {
            throw missingConnector(root, scheme, e);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot connect to the file system of " + root + ": "
                    + FaultRetry.summary(e) + ". Check the URI and the Hadoop configuration for it.", e);
        } catch (RuntimeException | ServiceConfigurationError | LinkageError e) {
            Throwable cause = rootCause(e);
            if (cause instanceof ClassNotFoundException || cause instanceof LinkageError) {
                throw missingConnector(root, scheme, e);
            }
            if (e instanceof Error error) {
                throw error;
            }
            // For example an IllegalArgumentException wrapping an UnknownHostException for the NameNode's host.
            throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot connect to the file system of " + root + ": "
                    + FaultRetry.summary(cause) + ". Check the host and port in the URI (or fs.defaultFS) and the"
                    + " Hadoop configuration for it.", e);
        }
    }

    private static CairnException missingConnector(URI root, String scheme, Throwable e) {
        String connector = CONNECTORS.get(scheme);
        String advice = connector != null
                ? "add " + connector + " to the class path, and its settings to the configuration (for example"
                        + " credentials and endpoint)"
                : "keep org.apache.hadoop:hadoop-client-api and hadoop-client-runtime on the class path, and check"
                        + " the fs." + scheme + ".impl setting";
        return new CairnException(ErrorCode.CONFIGURATION, "No Hadoop FileSystem implementation for " + scheme
                + ":// URIs could be loaded for the artifact store " + root + " (" + FaultRetry.summary(e) + "): "
                + advice + ".", e);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable current = e;
        for (int i = 0; i < 20 && current.getCause() != null && current.getCause() != current; i++) {
            current = current.getCause();
        }
        return current;
    }
}
