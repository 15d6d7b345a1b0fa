package dev.cairn.engine.metadata.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * One throw-away PostgreSQL server per test JVM, from the Debian binaries ({@code CAIRN_TEST_PG_BIN}, else
 * {@code /usr/lib/postgresql/<newest>/bin}): initdb into a temp dir, started on a free loopback port with fsync off,
 * stopped when the JVM exits. {@link #newDatabase()} clones a fresh database from an empty template. As root the server
 * runs as the {@code postgres} user ({@code runuser}), which owns the data and log directories. Tests skip, saying what
 * to install, only when the binaries are missing. Published in this module's test jar for other modules' tests.
 */
public final class TestingPostgres {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static TestingPostgres instance;

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;

    private TestingPostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** The server of this JVM, started on first use; skips the calling test when PostgreSQL is not installed. */
    public static synchronized TestingPostgres server() {
        if (instance == null) {
            Path bin = findBin();
            Assumptions.assumeTrue(bin != null, "PostgreSQL server binaries not found: install the Debian package 'postgresql'"
                    + " (./run-tests does) or set CAIRN_TEST_PG_BIN to the directory holding initdb and pg_ctl");
            instance = start(bin);
        }
        return instance;
    }

    private static Path findBin() {
        String configured = System.getenv("CAIRN_TEST_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Files.isExecutable(Path.of(configured, "initdb")) ? Path.of(configured) : null;
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent().getFileName().toString()))).orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int versionOf(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static TestingPostgres start(Path bin) {
        try {
            boolean root = "root".equals(System.getProperty("user.name"));
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "cairn-pg-");
            if (root) {
                run(List.of("chown", "postgres:postgres", dir.toString()), false);
            }
            Path data = dir.resolve("data");
            int port = freePort();
            TestingPostgres server = new TestingPostgres(bin, dir, port, root);
            server.pg(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "cairn", "-A", "trust", "-E", "UTF8",
                    "--locale=C", "--no-sync"));
            server.pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "120",
                    "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -k " + data + " -c fsync=off -c synchronous_commit=off"
                            + " -c full_page_writes=off -c max_connections=300",
                    "start"));
            Runtime.getRuntime().addShutdownHook(new Thread(server::stopAndDelete, "cairn-test-postgres-stop"));
            server.sql("postgres", "CREATE DATABASE cairn_template");
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A new, empty database cloned from the template; its metadata URI. */
    public URI newDatabase() {
        String name = "cairn_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        sql("postgres", "CREATE DATABASE " + name + " TEMPLATE cairn_template");
        return URI.create("postgresql://127.0.0.1:" + port + "/" + name + "?user=cairn");
    }

    /** Runs {@code statements} as the superuser in {@code database}. */
    public void sql(String database, String... statements) {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "cairn", "");
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL on the test server failed: " + e.getMessage(), e);
        }
    }

    /** A superuser JDBC connection to {@code database}. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "cairn", "");
    }

    public int port() {
        return port;
    }

    /** Stops the server (fast shutdown: open sessions are ended). */
    public void stop() {
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop"));
    }

    /** Starts the stopped server again on the same port and data. */
    public void restart() {
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "120",
                "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -k " + dir.resolve("data") + " -c fsync=off -c synchronous_commit=off"
                        + " -c full_page_writes=off -c max_connections=300",
                "start"));
    }

    private void stopAndDelete() {
        try {
            stop();
        } catch (RuntimeException e) {
            // already stopped
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind
        }
    }

    private void pg(List<String> command) {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full, true);
    }

    private static void run(List<String> command, boolean inTmp) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (inTmp) {
                builder.directory(new java.io.File("/tmp"));
            }
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!process.waitFor(180, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("Command failed: " + command + "\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }
}
