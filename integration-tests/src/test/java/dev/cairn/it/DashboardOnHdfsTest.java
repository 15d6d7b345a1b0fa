package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactFile;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.dashboard.Dashboard;
import dev.cairn.dashboard.DashboardOptions;
import dev.cairn.examples.ExamplePipelines;
import dev.cairn.stores.hdfs.testing.TestingHdfsCluster;

/** The dashboard lists and serves the files of artifacts stored on a real in-process HDFS, read through the store. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DashboardOnHdfsTest {
    private static TestingHdfsCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = TestingHdfsCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void filesOfAnArtifactOnHdfsAreListedAndDownloaded(@TempDir Path home) throws Exception {
        URI store = cluster.uri("/dashboard/store");
        try (Cairn cairn = Cairn.builder().home(home).artifactStore(store).build()) {
            PipelineRun run = cairn.run(ExamplePipelines.quickstart().get(0));
            assertThat(run.status()).as(run.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
            ArtifactVersion version = cairn.client().listArtifactVersions().get(0);
            assertThat(version.uri().getScheme()).isEqualTo("hdfs");
            List<ArtifactFile> files = version.files();
            assertThat(files).isNotEmpty();
            Map<String, byte[]> expected = new LinkedHashMap<>();
            for (ArtifactFile file : files) {
                try (InputStream in = version.open(file.path())) {
                    expected.put(file.path(), in.readAllBytes());
                }
            }
            try (Dashboard dashboard = Dashboard.start(cairn.client(), DashboardOptions.defaults().withPort(0))) {
                HttpClient http = HttpClient.newHttpClient();
                String page = get(http, dashboard.uri(), "/versions/" + version.id(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(page).doesNotContain("local (file:) stores").contains("/download");
                for (ArtifactFile file : files) {
                    assertThat(page).contains(file.sha256());
                    byte[] served = get(http, dashboard.uri(), "/versions/" + version.id() + "/files/" + file.path(), HttpResponse.BodyHandlers.ofByteArray()).body();
                    assertThat(served).as(file.path()).isEqualTo(expected.get(file.path()));
                }
                byte[] zip = get(http, dashboard.uri(), "/versions/" + version.id() + "/download", HttpResponse.BodyHandlers.ofByteArray()).body();
                Map<String, byte[]> zipped = new LinkedHashMap<>();
                try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
                    for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                        zipped.put(entry.getName(), in.readAllBytes());
                    }
                }
                assertThat(zipped).containsOnlyKeys(expected.keySet());
                expected.forEach((path, bytes) -> assertThat(zipped.get(path)).as(path).isEqualTo(bytes));
                assertThat(http.send(HttpRequest.newBuilder(dashboard.uri().resolve("/versions/" + version.id() + "/files/.cairn/manifest.json")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).as("only files the manifest lists").isEqualTo(404);
            }
        }
    }

    private static <T> HttpResponse<T> get(HttpClient http, URI base, String path, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
        HttpResponse<T> response = http.send(HttpRequest.newBuilder(base.resolve(path)).build(), handler);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response;
    }
}
