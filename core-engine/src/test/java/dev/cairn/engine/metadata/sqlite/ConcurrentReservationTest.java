package dev.cairn.engine.metadata.sqlite;

import static dev.cairn.engine.metadata.sqlite.TestingMetadata.newVersion;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore.CommittedArtifact;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentReservationTest {
    @TempDir
    Path directory;

    private static List<String> oneTo(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(Integer::toString).collect(Collectors.toList());
    }

    private static List<String> sortedNumerically(List<String> versions) {
        List<String> sorted = new ArrayList<>(versions);
        sorted.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
        return sorted;
    }

    /** Runs {@code threads} tasks at once, each reserving {@code perThread} versions of "shared" in one of the stores. */
    private static List<String> reserveConcurrently(List<SqliteMetadataStore> stores, int threads, int perThread) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<String>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                SqliteMetadataStore store = stores.get(t % stores.size());
                results.add(pool.submit(() -> {
                    start.await();
                    List<String> versions = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        versions.add(store.reserveArtifactVersion(newVersion("shared")).version());
                    }
                    return versions;
                }));
            }
            start.countDown();
            List<String> all = new ArrayList<>();
            for (Future<List<String>> result : results) {
                all.addAll(result.get(60, TimeUnit.SECONDS));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void threadsSharingOneStoreNeverGetTheSameVersion() throws Exception {
        try (SqliteMetadataStore store = SqliteMetadataStore.open(directory.resolve("metadata.db"))) {
            List<String> versions = reserveConcurrently(List.of(store), 8, 200);

            assertThat(sortedNumerically(versions)).isEqualTo(oneTo(1600));
        }
    }

    @Test
    void readersSeeCommittedVersionsInOrderWhileWritersCommit() throws Exception {
        int writers = 3;
        int perWriter = 100;
        try (SqliteMetadataStore store = SqliteMetadataStore.open(directory.resolve("metadata.db"))) {
            ExecutorService pool = Executors.newFixedThreadPool(writers + 3);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> writes = new ArrayList<>();
            List<Future<Long>> reads = new ArrayList<>();
            try {
                for (int w = 0; w < writers; w++) {
                    writes.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < perWriter; i++) {
                            ArtifactVersionRecord reserved = store.reserveArtifactVersion(newVersion("model"));
                            store.commitArtifactVersion(new CommittedArtifact(reserved.id(),
                                    TestingMetadata.artifactUri("model", reserved.version()), List.of()));
                        }
                        return null;
                    }));
                }
                for (int r = 0; r < 3; r++) {
                    reads.add(pool.submit(() -> {
                        start.await();
                        long lastCount = 0;
                        long readCount = 0;
                        while (lastCount < (long) writers * perWriter && !Thread.currentThread().isInterrupted()) {
                            long count = store.listArtifactVersions("model").size();
                            assertThat(count).as("versions seen by one reader never decrease").isGreaterThanOrEqualTo(lastCount);
                            store.findLatestArtifactVersion("model");
                            lastCount = count;
                            readCount++;
                        }
                        return readCount;
                    }));
                }
                start.countDown();
                for (Future<?> write : writes) {
                    write.get(60, TimeUnit.SECONDS);
                }
                for (Future<Long> read : reads) {
                    assertThat(read.get(60, TimeUnit.SECONDS)).isPositive();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(store.findLatestArtifactVersion("model")).isPresent();
            assertThat(store.listArtifactVersions("model")).hasSize(writers * perWriter);
        }
    }

    @Test
    void storesSharingOneFileNeverGetTheSameVersion() throws Exception {
        Path file = directory.resolve("metadata.db");
        try (SqliteMetadataStore first = SqliteMetadataStore.open(file);
                SqliteMetadataStore second = SqliteMetadataStore.open(file)) {
            List<String> versions = reserveConcurrently(List.of(first, second), 4, 150);

            assertThat(sortedNumerically(versions)).isEqualTo(oneTo(600));
        }
    }

    @Test
    void aWriteWaitsForAnotherConnectionsTransactionInsteadOfFailing() throws Exception {
        Path file = directory.resolve("metadata.db");
        try (SqliteMetadataStore store = SqliteMetadataStore.open(file);
                Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = other.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                long start = System.nanoTime();
                Future<String> version = pool.submit(() -> store.reserveArtifactVersion(newVersion("blocked")).version());
                Thread.sleep(700);
                assertThat(version).isNotDone();
                statement.execute("COMMIT");

                assertThat(version.get(10, TimeUnit.SECONDS)).isEqualTo("1");
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(700);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private String stderr(int process) throws IOException {
        return Files.readString(directory.resolve("stderr-" + process + ".txt"));
    }

    @Test
    void processesSharingOneFileNeverGetTheSameVersion() throws Exception {
        Path file = directory.resolve("shared/metadata.db");
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        int processes = 3;
        int perProcess = 200;
        List<Process> children = new ArrayList<>();
        try {
            for (int p = 0; p < processes; p++) {
                ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                        ReserveVersionsMain.class.getName(), file.toString(), "shared", Integer.toString(perProcess));
                builder.redirectError(directory.resolve("stderr-" + p + ".txt").toFile());
                children.add(builder.start());
            }
            List<BufferedReader> outputs = new ArrayList<>();
            for (Process child : children) {
                outputs.add(new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)));
            }
            // all open the fresh file together, then all reserve together
            for (String phase : List.of("waiting", "opened")) {
                for (int p = 0; p < processes; p++) {
                    assertThat(outputs.get(p).readLine()).as("process %d, stderr:%n%s", p, stderr(p)).isEqualTo(phase);
                }
                for (Process child : children) {
                    OutputStream input = child.getOutputStream();
                    input.write("go\n".getBytes(StandardCharsets.UTF_8));
                    input.flush();
                }
            }
            List<String> versions = new ArrayList<>();
            for (int p = 0; p < processes; p++) {
                Process child = children.get(p);
                List<String> lines = outputs.get(p).lines().collect(Collectors.toList());
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("process %d finished", p).isTrue();
                assertThat(child.exitValue()).as("exit code of process %d, whose stderr was:%n%s", p, stderr(p)).isZero();
                assertThat(lines).as("versions reserved by process %d", p).hasSize(perProcess);
                versions.addAll(lines);
            }

            assertThat(sortedNumerically(versions)).isEqualTo(oneTo(processes * perProcess));
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }
}
