package dev.cairn.engine.metadata.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cairn.testkit.postgres.ThrowAwayPostgres;
import org.junit.jupiter.api.Assumptions;

/**
 * One throw-away PostgreSQL server per test JVM ({@link ThrowAwayPostgres} of the test kit, the launcher the benchmarks
 * use too), started on first use and stopped when the JVM exits. {@link #newDatabase()} clones a fresh database from
 * an empty template. Tests skip, saying what to install, only when the binaries are missing. Published in this
 * module's test jar for other modules' tests.
 */
public final class TestingPostgres {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static TestingPostgres instance;

    private final ThrowAwayPostgres server;

    private TestingPostgres(ThrowAwayPostgres server) {
        this.server = server;
    }

    /** The server of this JVM, started on first use; skips the calling test when PostgreSQL is not installed. */
    public static synchronized TestingPostgres server() {
        if (instance == null) {
            Optional<Path> bin = ThrowAwayPostgres.binaries();
            Assumptions.assumeTrue(bin.isPresent(), "PostgreSQL server binaries not found: install the Debian package 'postgresql'"
                    + " (./run-tests does) or set CAIRN_TEST_PG_BIN to the directory holding initdb and pg_ctl");
            ThrowAwayPostgres started;
            try {
                started = ThrowAwayPostgres.start(bin.get(), "cairn-pg-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "cairn-test-postgres-stop"));
            started.sql("postgres", "CREATE DATABASE cairn_template");
            instance = new TestingPostgres(started);
        }
        return instance;
    }

    /** A new, empty database cloned from the template; its metadata URI. */
    public URI newDatabase() {
        return server.newDatabase("cairn_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet(), Optional.of("cairn_template"));
    }

    /** Runs {@code statements} as the superuser in {@code database}. */
    public void sql(String database, String... statements) {
        server.sql(database, statements);
    }

    /** A superuser JDBC connection to {@code database}. */
    public Connection connect(String database) throws SQLException {
        return server.connect(database);
    }

    public int port() {
        return server.port();
    }

    /** Stops the server (fast shutdown: open sessions are ended). */
    public void stop() {
        server.stop();
    }

    /** Starts the stopped server again on the same port and data. */
    public void restart() {
        server.restart();
    }
}
