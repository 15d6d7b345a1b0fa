package dev.cairn.stores.hdfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.StoreContext;

/**
 * {@link HdfsArtifactStoreProvider} and its registration through {@link HdfsStorePlugin}, where no cluster is needed:
 * URIs, settings and missing connectors. (Settings that reach a cluster are tested in {@link HdfsArtifactStoreTest}.)
 */
class HdfsArtifactStoreProviderTest {
    @TempDir
    Path temp;

    private final HdfsArtifactStoreProvider provider = new HdfsArtifactStoreProvider(Map.of(), name -> null);

    @Test
    void theBuiltInPluginIsFoundByServiceLoaderAndProvidesTheHadoopSchemes() {
        List<CairnPlugin> plugins = ServiceLoader.load(CairnPlugin.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(HdfsStorePlugin.class::isInstance)
                .toList();

        assertThat(plugins).hasSize(1);
        CairnPlugin plugin = plugins.get(0);
        assertThat(plugin.builtIn()).isTrue();
        assertThat(plugin.name()).isEqualTo("stores-hdfs");
        assertThat(plugin.artifactStoreProviders()).singleElement().satisfies(found -> assertThat(found.schemes())
                .containsExactlyInAnyOrder("hdfs", "viewfs", "webhdfs", "s3a", "abfs", "abfss", "gs"));
    }

    @Test
    void refusesOtherSchemesAndUnusableRoots() {
        for (String uri : List.of("file:///tmp/store/", "http://namenode/store/", "store/relative",
                "hdfs:relative/store", "hdfs://namenode:8020/store/?query", "hdfs://namenode:8020/store/#fragment",
                "hdfs://namenode:8020/a/../store/", "hdfs://namenode:8020/a/./store/")) {
            assertThatThrownBy(() -> provider.create(URI.create(uri), StoreContext.defaults())).as(uri)
                    .isInstanceOfSatisfying(CairnException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_URI);
                        assertThat(e.getMessage()).contains(uri);
                    });
        }
    }

    @Test
    void refusesUnknownCairnSettingsButPassesHadoopKeysOn() {
        assertConfigurationError(() -> provider.create(URI.create("hdfs://namenode:8020/store/"),
                StoreContext.of(Map.of("cairn.retry.max-atempts", "3", "dfs.replication", "1"))), "cairn.retry.max-atempts");
        assertConfigurationError(() -> new HdfsArtifactStoreProvider(Map.of("cairn.hadoop.confdir", "/etc/hadoop")),
                "cairn.hadoop.confdir");
    }

    @ParameterizedTest
    @CsvSource({"cairn.retry.max-attempts, 0", "cairn.retry.max-attempts, many", "cairn.retry.initial-backoff-ms, -1",
            "cairn.retry.max-backoff-ms, 1"})
    void refusesUnusableRetrySettings(String key, String value) {
        assertConfigurationError(() -> provider.create(URI.create("hdfs://namenode:8020/store/"), StoreContext.of(Map.of(key, value))),
                key);
    }

    @Test
    void aMissingOrEmptyConfigurationDirectoryIsAConfigurationError() throws Exception {
        Path missing = temp.resolve("missing");
        assertConfigurationError(() -> provider.create(URI.create("hdfs://namenode:8020/store/"),
                StoreContext.of(Map.of(HdfsArtifactStoreProvider.HADOOP_CONF_DIR, missing.toString()))), missing.toString());

        Path empty = Files.createDirectories(temp.resolve("empty"));
        assertConfigurationError(() -> provider.create(URI.create("hdfs://namenode:8020/store/"),
                StoreContext.of(Map.of(HdfsArtifactStoreProvider.HADOOP_CONF_DIR, empty.toString()))), "neither core-site.xml");

        HdfsArtifactStoreProvider fromEnvironment = new HdfsArtifactStoreProvider(Map.of(),
                name -> name.equals("HADOOP_CONF_DIR") ? missing.toString() : null);
        assertConfigurationError(() -> fromEnvironment.create(URI.create("hdfs://namenode:8020/store/"), StoreContext.defaults()),
                "HADOOP_CONF_DIR");
    }

    @Test
    void aBrokenSiteFileIsAConfigurationError() throws Exception {
        Path directory = Files.createDirectories(temp.resolve("conf"));
        Files.writeString(directory.resolve("core-site.xml"), "<configuration><property><name>x</name>");

        assertConfigurationError(() -> provider.create(URI.create("hdfs://namenode:8020/store/"),
                StoreContext.of(Map.of(HdfsArtifactStoreProvider.HADOOP_CONF_DIR, directory.toString()))), "core-site.xml");
    }

    @ParameterizedTest
    @CsvSource({"s3a://bucket/cairn/store/, hadoop-aws", "abfs://container@account.dfs.core.windows.net/store/, hadoop-azure",
            "abfss://container@account.dfs.core.windows.net/store/, hadoop-azure", "gs://bucket/store/, gcs-connector"})
    void aSchemeWhoseConnectorIsMissingIsAConfigurationErrorNamingTheConnector(String uri, String connector) {
        assertThatThrownBy(() -> provider.create(URI.create(uri), StoreContext.defaults()))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
                    assertThat(e.getMessage()).contains(uri).contains(connector).contains("class path");
                });
    }

    @Test
    void aNameNodeHostThatDoesNotResolveIsAStoreFailureNamingTheUri() {
        URI uri = URI.create("hdfs://no-such-namenode.invalid:8020/store/");

        assertThatThrownBy(() -> provider.create(uri, StoreContext.of(Map.of("cairn.retry.max-attempts", "1"))))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
                    assertThat(e.getMessage()).contains(uri.toString()).contains("no-such-namenode.invalid");
                });
    }

    private static void assertConfigurationError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
            String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }
}
