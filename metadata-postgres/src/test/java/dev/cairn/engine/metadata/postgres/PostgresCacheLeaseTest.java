package dev.cairn.engine.metadata.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import dev.cairn.api.metadata.MetadataStore;
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

    /** The cache lease timeout of both engines of {@link #anEngineInAnotherProcessWhoseClockIsTwoHoursAheadDoesNotStealALease}. */
    static final Duration LEASE = Duration.ofSeconds(2);

    public static final class CountedSteps {
        /** Appends a line to {@code counter} each time it computes, then waits (two minutes at most) for {@code release}. */
        @Step
        public static String counted(String counter, String release) throws Exception {
            Files.writeString(Path.of(counter), "computed in " + ProcessHandle.current().pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(Path.of(release)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            return "done";
        }
    }

    /** One cached step whose computations are counted in {@code counter}, shared by this test and {@link SkewedClockRunMain}. */
    static Pipeline countedPipeline(Path counter, Path release) {
        return Pipeline.define("counted", p -> p.call(CountedSteps::counted, Param.of(counter.toString()), Param.of(release.toString())));
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

    /**
     * Two processes run the same cached step at once on one PostgreSQL; the second's clock is two hours ahead. With
     * expiry compared against a client clock, the lease the first holds (renewed every {@link #LEASE}/3) would look
     * expired to the second at once, and the step would be computed twice. It is computed once: the second waits while
     * the lease lasts and then reuses the first's result from the cache.
     */
    @Test
    void anEngineInAnotherProcessWhoseClockIsTwoHoursAheadDoesNotStealALease() throws Exception {
        URI uri = TestingPostgres.server().newDatabase();
        String database = uri.getPath().substring(1);
        Path counter = home.resolve("computations");
        Path release = home.resolve("release");
        Pipeline pipeline = countedPipeline(counter, release);
        try (Cairn holder = Cairn.builder().home(home.resolve("holder")).artifactStore(home.resolve("store").toUri()).metadata(uri)
                .cacheLeaseTimeout(LEASE).build()) {
            CompletableFuture<PipelineRun> held = CompletableFuture.supplyAsync(() -> holder.run(pipeline));
            awaitComputations(counter, 1);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process ahead = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    SkewedClockRunMain.class.getName(), uri.toString(), home.resolve("ahead").toString(), counter.toString(), release.toString(), "2")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                // the second process has recorded its run, so it is asking for the lease; give it many polls (every 100 ms)
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (runs(database) < 2 && ahead.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(runs(database)).as("the second process recorded its run").isEqualTo(2);
                Thread.sleep(LEASE.toMillis() * 2);
                assertThat(Files.readAllLines(counter)).as("computed only by the lease holder so far").hasSize(1);
                Files.writeString(release, "go");
                assertThat(held.get(120, TimeUnit.SECONDS).step("counted").status()).isEqualTo(StepStatus.COMPLETED);
                String aheadStatus = new String(ahead.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                assertThat(ahead.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(ahead.exitValue()).as("exit code of the process whose clock is ahead").isZero();
                assertThat(aheadStatus).as("the process whose clock is ahead reused the result").isEqualTo("CACHED");
                assertThat(Files.readAllLines(counter)).as("the step was computed once").hasSize(1);
            } finally {
                ahead.destroyForcibly();
            }
        } finally {
            Files.writeString(release, "go", StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        }
    }

    private static void awaitComputations(Path counter, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while ((!Files.exists(counter) || Files.readAllLines(counter).size() < count) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(Files.readAllLines(counter)).hasSize(count);
    }

    private static long runs(String database) throws Exception {
        try (Connection connection = TestingPostgres.server().connect(database); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM pipeline_runs")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Test
    void aStepsFirstLookupTakesTheLeaseOnlyWhenTheKeyHasNoResultAndNobodyHoldsIt() {
        URI uri = TestingPostgres.server().newDatabase();
        PipelineRun run;
        try (Cairn cairn = Cairn.builder().home(home).metadata(uri).build()) {
            run = cairn.run(RoundTripsPerStepTest.chain("one-step", 1, 7));
            assertThat(run.steps()).singleElement().satisfies(step -> assertThat(step.status()).isEqualTo(StepStatus.COMPLETED));
            PipelineRun again = cairn.run(RoundTripsPerStepTest.chain("one-step", 1, 7));
            assertThat(again.steps()).singleElement().satisfies(step -> assertThat(step.status()).isEqualTo(StepStatus.CACHED));
        }
        try (PostgresMetadataStore store = PostgresMetadataStore.open(uri)) {
            MetadataStore.CandidatesOrLease uncached = store.findCacheCandidatesOrLease("uncached-key", "a", Duration.ofSeconds(60), 5);
            assertThat(uncached.leased()).as("no result for the key: the lookup took the lease").isTrue();
            assertThat(uncached.candidates()).isEmpty();
            assertThat(store.tryAcquireCacheLease("uncached-key", "b", Duration.ofSeconds(60))).as("a holds it").isFalse();
            assertThat(store.findCacheCandidatesOrLease("uncached-key", "b", Duration.ofSeconds(60), 5).leased()).as("a holds it").isFalse();
            store.releaseCacheLease("uncached-key", "a");
            assertThat(store.findCacheCandidatesOrLease("uncached-key", "b", Duration.ofSeconds(60), 5).leased()).as("released").isTrue();

            String key = store.listStepRuns(run.id()).get(0).cacheKey().orElseThrow();
            MetadataStore.CandidatesOrLease cached = store.findCacheCandidatesOrLease(key, "c", Duration.ofSeconds(60), 5);
            assertThat(cached.leased()).as("a likely hit takes no lease").isFalse();
            assertThat(cached.candidates()).singleElement().satisfies(candidate -> assertThat(candidate.stepRun().runId()).isEqualTo(run.id()));
            assertThat(store.tryAcquireCacheLease(key, "d", Duration.ofSeconds(60))).as("nobody took it").isTrue();
        }
    }
}
