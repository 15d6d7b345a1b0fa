package dev.cairn.testkit.postgres;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server from the Debian binaries ({@code CAIRN_TEST_PG_BIN}, else the newest
 * {@code /usr/lib/postgresql/<version>/bin}): {@code initdb} into a temp dir, started on a free loopback port with
 * {@code -k <data dir>}, {@code fsync=off}, {@code synchronous_commit=off}, {@code full_page_writes=off}; as root it runs
 * as the {@code postgres} user ({@code runuser}), which owns the data and log directories. The one launcher of the
 * tests ({@code TestingPostgres} in metadata-postgres's test jar: one server per test JVM) and of the benchmarks
 * (a server per run). Connecting needs the PostgreSQL JDBC driver on the class path (this module does not bring it).
 * Closing stops the server and deletes its directory.
 */
public final class ThrowAwayPostgres implements AutoCloseable {
    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;

    private ThrowAwayPostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** The directory holding {@code initdb} and {@code pg_ctl}, when PostgreSQL's server binaries are installed. */
    public static Optional<Path> binaries() {
        String configured = System.getenv("CAIRN_TEST_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Files.isExecutable(Path.of(configured, "initdb")) ? Optional.of(Path.of(configured)) : Optional.empty();
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparingInt(b -> versionOf(String.valueOf(b.getParent().getFileName()))));
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

    /** Initializes and starts a server with the binaries of {@code bin}, in a new directory under /tmp named {@code prefix…}. */
    public static ThrowAwayPostgres start(Path bin, String prefix) throws IOException {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory(Path.of("/tmp"), prefix);
        if (root) {
            run(List.of("chown", "postgres:postgres", dir.toString()), false);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        ThrowAwayPostgres server = new ThrowAwayPostgres(bin, dir, port, root);
        server.pg(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "cairn", "-A", "trust", "-E", "UTF8",
                "--locale=C", "--no-sync"));
        server.restart();
        return server;
    }

    /** Creates an empty database {@code name} (a copy of {@code template} when given) and returns its metadata URI. */
    public URI newDatabase(String name, Optional<String> template) {
        sql("postgres", "CREATE DATABASE " + name + template.map(t -> " TEMPLATE " + t).orElse(""));
        return URI.create("postgresql://127.0.0.1:" + port + "/" + name + "?user=cairn");
    }

    /** Runs {@code statements} as the superuser in {@code database}. */
    public void sql(String database, String... statements) {
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL on the throw-away PostgreSQL failed: " + e.getMessage(), e);
        }
    }

    /** A superuser JDBC connection to {@code database}. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "cairn", "");
    }

    /** The server's loopback port. */
    public int port() {
        return port;
    }

    /** Stops the server (fast shutdown: open sessions are ended); {@link #restart} starts it again. */
    public void stop() {
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop"));
    }

    /** Starts the (stopped or new) server on its port and data directory. */
    public void restart() {
        Path data = dir.resolve("data");
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "120", "-o",
                "-c listen_addresses=127.0.0.1 -p " + port + " -k " + data + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                        + " -c max_connections=300",
                "start"));
    }

    /** Stops the server if it runs and deletes its directory. */
    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException e) {
            // already stopped
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not delete " + dir + ": " + e);
            }
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
                builder.directory(new File("/tmp")); // runuser's postgres user may not read the caller's directory
            }
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
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
