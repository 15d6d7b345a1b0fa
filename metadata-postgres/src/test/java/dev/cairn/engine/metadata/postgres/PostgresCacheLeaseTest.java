package dev.cairn.engine.metadata.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepStatus;
import dev.cairn.engine.CairnEngineProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cache leases on PostgreSQL expire by the server's clock: a process with a skewed clock neither loses nor steals one. */
class PostgresCacheLeaseTest {
    static final CountDownLatch ENTERED = new CountDownLatch(1);
    static final CountDownLatch PROCEED = new CountDownLatch(1);

    public static final class Steps {
        @Step
        public static String slow(String input) throws InterruptedException {
            ENTERED.countDown();
            PROCEED.await(120, TimeUnit.SECONDS);
            return input.toUpperCase(java.util.Locale.ROOT);
        }
    }

    @TempDir
    Path home;

    @Test
    void leasesExpireByTheServerClockNotTheCallers() throws Exception {
        URI uri = TestingPostgres.server().newDatabase();
        try (PostgresMetadataStore first = PostgresMetadataStore.open(uri); PostgresMetadataStore second = PostgresMetadataStore.open(uri)) {
            assertThat(first.tryAcquireCacheLease("key", "a", Duration.ofSeconds(60))).isTrue();
            assertThat(second.tryAcquireCacheLease("key", "b", Duration.ofSeconds(60))).as("held by a").isFalse();
            assertThat(second.renewCacheLease("key", "b", Duration.ofSeconds(60))).isFalse();
            assertThat(first.renewCacheLease("key", "a", Duration.ofSeconds(60))).isTrue();
            first.releaseCacheLease("key", "a");
            assertThat(second.tryAcquireCacheLease("key", "b", Duration.ofMillis(1))).as("released").isTrue();
            // b's lease lasted 1 ms of server time; a new transaction sees it expired
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean taken = false;
            while (!taken && System.nanoTime() < deadline) {
                taken = first.tryAcquireCacheLease("key", "a", Duration.ofSeconds(60));
            }
            assertThat(taken).as("an expired lease is taken over").isTrue();
        }
    }

    @Test
    void anEngineWhoseClockIsTwoHoursBehindKeepsItsLease() throws Exception {
        URI uri = TestingPostgres.server().newDatabase();
        Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofHours(-2));
        Pipeline pipeline = Pipeline.define("leased", p -> p.call(Steps::slow, Param.of("x")));
        try (Cairn skewed = new CairnEngineProvider().open(Cairn.builder().home(home.resolve("a")).artifactStore(home.resolve("store").toUri())
                .metadata(uri).cacheLeaseTimeout(Duration.ofSeconds(30)).configuration(), behind);
                PostgresMetadataStore other = PostgresMetadataStore.open(uri)) {
            CompletableFuture<PipelineRun> run = CompletableFuture.supplyAsync(() -> skewed.run(pipeline));
            assertThat(ENTERED.await(120, TimeUnit.SECONDS)).as("the step started").isTrue();
            String key;
            try (Connection connection = TestingPostgres.server().connect(uri.getPath().substring(1)); Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT cache_key, expires_at > CAST(extract(epoch FROM now()) * 1000000000 AS BIGINT)"
                            + " FROM cache_leases")) {
                assertThat(rows.next()).as("the running step holds a lease").isTrue();
                key = rows.getString(1);
                assertThat(rows.getBoolean(2)).as("its expiry is in the future by the server's clock").isTrue();
            }
            // with a client-computed expiry (its clock minus 2 h plus 30 s) the lease would look expired to everyone else
            assertThat(other.tryAcquireCacheLease(key, "thief", Duration.ofSeconds(30))).as("another process cannot take it").isFalse();
            assertThat(other.tryAcquireCacheLease(key, "thief", Instant.now().plusSeconds(30))).isFalse();
            PROCEED.countDown();
            PipelineRun finished = run.get(120, TimeUnit.SECONDS);
            assertThat(finished.step("slow").status()).isEqualTo(StepStatus.COMPLETED);
        } finally {
            PROCEED.countDown();
        }
    }
}
