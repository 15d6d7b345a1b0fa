package dev.cairn.benchmarks;

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
 * A PostgreSQL server started for one benchmark run from the Debian binaries ({@code CAIRN_TEST_PG_BIN}, else the newest
 * {@code /usr/lib/postgresql/<version>/bin}), configured like the tests' server (loopback, a free port, {@code fsync=off},
 * {@code synchronous_commit=off}, {@code full_page_writes=off}); as root it runs as the {@code postgres} user. Closing
 * stops it and deletes its data directory. Benchmarks that are given a server URI do not use it.
 */
final class ThrowAwayPostgres implements AutoCloseable {
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
    static Optional<Path> binaries() {
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
                    .max(Comparator.comparingInt(b -> versionOf(b.getParent().getFileName().toString())));
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

    /** Initializes and starts a server with the binaries of {@code bin}. */
    static ThrowAwayPostgres start(Path bin) throws IOException {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "cairn-bench-pg-");
        if (root) {
            run(List.of("chown", "postgres:postgres", dir.toString()));
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        ThrowAwayPostgres server = new ThrowAwayPostgres(bin, dir, port, root);
        Path data = dir.resolve("data");
        server.pg(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "cairn", "-A", "trust", "-E", "UTF8", "--locale=C",
                "--no-sync"));
        server.pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "120", "-o",
                "-c listen_addresses=127.0.0.1 -p " + port + " -k " + data + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                        + " -c max_connections=300",
                "start"));
        return server;
    }

    /** Creates an empty database and returns its metadata URI. */
    URI newDatabase(String name) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "cairn", "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return URI.create("postgresql://127.0.0.1:" + port + "/" + name + "?user=cairn");
    }

    @Override
    public void close() {
        try {
            pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop"));
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
        run(full);
    }

    private static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).directory(new File("/tmp")).redirectErrorStream(true).start();
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
