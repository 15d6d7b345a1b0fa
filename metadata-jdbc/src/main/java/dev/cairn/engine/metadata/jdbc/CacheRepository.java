package dev.cairn.engine.metadata.jdbc;

import static java.util.Objects.requireNonNull;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore.CacheCandidate;
import dev.cairn.api.metadata.StepRunRecord;
import org.apiguardian.api.API;

/**
 * The cache aggregate: cache entries (completed step runs found by cache key, with their {@code READY} outputs, in one
 * query) and cache leases ({@code cache_leases}: who computes a cache key now, until when). Lease expiry is compared
 * with the database's clock ({@link SqlDialect#currentTimeNanos}), never the caller's. Every method runs inside the
 * caller's {@link SqlSession}. Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class CacheRepository {
    private final StepRunRepository stepRuns;
    private final ArtifactVersionRepository artifacts;
    private final String candidates;
    private final String candidatesOfKeys;
    private final String keysOfRun;
    /** How many keys one {@link #findCandidates(SqlSession, List, int)} query takes (fewer are padded, so it stays one cached statement). */
    static final int KEYS_PER_QUERY = 32;
    /** Most rows one many-key query reads (then its keys are looked up one by one). */
    static final int ROWS_PER_QUERY = 1024;
    private final String acquire;
    private final String acquireFor;
    private final String renewFor;
    /** {@link #acquireFor} only when no completed step run has the key. */
    private final String acquireForIfUncached;

    public CacheRepository(SqlDialect dialect, StepRunRepository stepRuns, ArtifactVersionRepository artifacts) {
        requireNonNull(dialect, "dialect is null");
        this.stepRuns = requireNonNull(stepRuns, "stepRuns is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        String order = dialect.insertionOrder("");
        // The newest completed step runs with the key (the step-run columns) joined to their outputs (the artifact
        // columns, the output name, then the step run's insertion order; the artifact columns are null for a step run
        // without outputs and for an output that is not READY): one query per cache lookup. Rows come in no particular
        // order; findCandidates groups them by step run and orders the step runs.
        this.candidates = "SELECT s." + StepRunRepository.COLUMNS.replace(", ", ", s.") + ", " + ArtifactVersionRepository.columns("a")
                + ", o.name, s.step_row"
                + " FROM (SELECT " + order + " AS step_row, * FROM step_runs WHERE cache_key = ? AND status = 'COMPLETED'"
                + " ORDER BY ended_at DESC, " + order + " DESC LIMIT ?) s"
                + " LEFT JOIN step_outputs o ON o.step_run_id = s.id LEFT JOIN artifact_versions a ON a.id = o.artifact_id AND a.state = 'READY'";
        // The same for many keys at once: every completed step run of each key (a key rarely has more than one), at most
        // ROWS_PER_QUERY rows; findCandidates keeps the newest of each key, and looks a chunk up key by key when the cap is
        // reached (then some key has many).
        String keyList = String.join(", ", java.util.Collections.nCopies(KEYS_PER_QUERY, "?"));
        this.candidatesOfKeys = "SELECT s." + StepRunRepository.COLUMNS.replace(", ", ", s.") + ", " + ArtifactVersionRepository.columns("a")
                + ", o.name, s.step_row"
                + " FROM (SELECT " + order + " AS step_row, * FROM step_runs WHERE cache_key IN (" + keyList + ") AND status = 'COMPLETED') s"
                + " LEFT JOIN step_outputs o ON o.step_run_id = s.id LEFT JOIN artifact_versions a ON a.id = o.artifact_id AND a.state = 'READY'"
                + " LIMIT " + ROWS_PER_QUERY;
        // The keys of a stretch of a run's computed steps with their outputs' content hashes (the lookahead's prediction).
        this.keysOfRun = "SELECT s.cache_key, s.id, o.name, a.content_hash FROM step_runs s"
                + " LEFT JOIN step_outputs o ON o.step_run_id = s.id LEFT JOIN artifact_versions a ON a.id = o.artifact_id AND a.state = 'READY'"
                + " WHERE s.run_id = ? AND s.position >= ? AND s.position < ? AND s.status = 'COMPLETED' AND s.cache_key IS NOT NULL";
        this.acquire = dialect.upsert("INSERT INTO cache_leases (cache_key, holder, expires_at) VALUES (?, ?, ?)", "cache_key",
                "holder = excluded.holder, expires_at = excluded.expires_at",
                "cache_leases.expires_at < " + dialect.currentTimeNanos() + " OR cache_leases.holder = excluded.holder");
        this.acquireFor = dialect.upsert("INSERT INTO cache_leases (cache_key, holder, expires_at) VALUES (?, ?, " + dialect.currentTimeNanos() + " + ?)",
                "cache_key", "holder = excluded.holder, expires_at = excluded.expires_at",
                "cache_leases.expires_at < " + dialect.currentTimeNanos() + " OR cache_leases.holder = excluded.holder");
        this.acquireForIfUncached = dialect.upsert("INSERT INTO cache_leases (cache_key, holder, expires_at) SELECT ?, ?, "
                + dialect.currentTimeNanos() + " + ? WHERE NOT EXISTS (SELECT 1 FROM step_runs WHERE cache_key = ? AND status = 'COMPLETED')",
                "cache_key", "holder = excluded.holder, expires_at = excluded.expires_at",
                "cache_leases.expires_at < " + dialect.currentTimeNanos() + " OR cache_leases.holder = excluded.holder");
        this.renewFor = "UPDATE cache_leases SET expires_at = " + dialect.currentTimeNanos() + " + ? WHERE cache_key = ? AND holder = ?";
    }

    /** Completed step runs with {@code cacheKey} and their outputs by name, newest first, at most {@code limit}. */
    public List<CacheCandidate> findCandidates(SqlSession session, String cacheKey, int limit) throws SQLException {
        Map<String, Found> found = new HashMap<>();
        // through list: on a session that sends statements together, a held-back lease upsert goes in the same round trip
        session.list(candidates, query -> {
            query.setString(1, cacheKey);
            query.setInt(2, Math.max(1, limit));
        }, collector(found));
        return found.values().stream().sorted(NEWEST_FIRST).map(Found::candidate).toList();
    }

    /** A candidate step run as read, with its insertion order (which orders step runs that ended at the same time). */
    private record Found(StepRunRecord stepRun, long row, Map<String, ArtifactVersionRecord> outputs) {
        CacheCandidate candidate() {
            return new CacheCandidate(stepRun, outputs);
        }
    }

    /** Newest first: by end time, then by insertion order, as the queries pick them. */
    private static final Comparator<Found> NEWEST_FIRST = Comparator.comparing((Found f) -> f.stepRun().endedAt().orElse(Instant.EPOCH))
            .thenComparingLong(Found::row).reversed();

    /** Collects the rows of {@link #candidates} or {@link #candidatesOfKeys} (a row per output) into step runs by id. */
    private SqlSession.RowMapper<Boolean> collector(Map<String, Found> found) {
        int stepColumns = StepRunRepository.COLUMN_COUNT;
        int outputName = stepColumns + ArtifactVersionRepository.COLUMN_COUNT + 1;
        return rows -> {
            Found stepRun = found.get(rows.getString(1));
            if (stepRun == null) {
                stepRun = new Found(stepRuns.map(rows), rows.getLong(outputName + 1), new HashMap<>());
                found.put(rows.getString(1), stepRun);
            }
            if (rows.getString(stepColumns + 1) != null) {
                stepRun.outputs().put(rows.getString(outputName), artifacts.map(rows, stepColumns));
            }
            return Boolean.TRUE;
        };
    }

    /**
     * {@link #findCandidates(SqlSession, String, int)} of several keys, by key (every key given maps to a list, empty
     * when it has no candidates): one query per {@link #KEYS_PER_QUERY} keys.
     */
    public Map<String, List<CacheCandidate>> findCandidates(SqlSession session, List<String> cacheKeys, int limit) throws SQLException {
        List<String> keys = cacheKeys.stream().distinct().toList();
        Map<String, List<CacheCandidate>> byKey = new java.util.LinkedHashMap<>();
        for (int start = 0; start < keys.size(); start += KEYS_PER_QUERY) {
            List<String> chunk = keys.subList(start, Math.min(keys.size(), start + KEYS_PER_QUERY));
            Map<String, Found> found = new HashMap<>();
            int[] rows = new int[1];
            SqlSession.RowMapper<Boolean> collector = collector(found);
            session.list(candidatesOfKeys, query -> {
                for (int i = 0; i < KEYS_PER_QUERY; i++) {
                    query.setString(i + 1, chunk.get(Math.min(i, chunk.size() - 1))); // padded with the last key
                }
            }, row -> {
                rows[0]++;
                return collector.map(row);
            });
            if (rows[0] >= ROWS_PER_QUERY) {
                for (String key : chunk) {
                    byKey.put(key, findCandidates(session, key, limit));
                }
                continue;
            }
            chunk.forEach(key -> byKey.put(key, new java.util.ArrayList<>()));
            found.values().stream().sorted(NEWEST_FIRST).forEach(f -> {
                List<CacheCandidate> ofKey = byKey.get(f.stepRun().cacheKey().orElseThrow());
                if (ofKey.size() < Math.max(1, limit)) {
                    ofKey.add(f.candidate());
                }
            });
        }
        byKey.replaceAll((key, list) -> List.copyOf(list));
        return byKey;
    }

    /**
     * The cache keys of the {@code COMPLETED} step runs of {@code runId} at positions {@code from} to {@code to}
     * (exclusive), each with its {@code READY} outputs' content hashes by output name.
     */
    public Map<String, Map<String, String>> keysOfRun(SqlSession session, java.util.UUID runId, int from, int to) throws SQLException {
        Map<String, Map<String, String>> keys = new java.util.LinkedHashMap<>();
        Map<String, String> owners = new HashMap<>(); // a key several step runs had: the outputs of the first row's only
        session.list(keysOfRun, query -> {
            query.setString(1, runId.toString());
            query.setInt(2, from);
            query.setInt(3, to);
        }, rows -> {
            String key = rows.getString(1);
            String stepRun = rows.getString(2);
            Map<String, String> hashes = keys.computeIfAbsent(key, k -> new java.util.TreeMap<>());
            if (owners.computeIfAbsent(key, k -> stepRun).equals(stepRun) && rows.getString(4) != null) {
                hashes.put(rows.getString(3), rows.getString(4));
            }
            return Boolean.TRUE;
        });
        return keys;
    }

    /** Takes the lease for {@code holder} unless another holder's lease has not expired; true when taken. */
    public boolean tryAcquireLease(SqlSession session, String cacheKey, String holder, long expiresAt) throws SQLException {
        return session.update(acquire, statement -> {
            statement.setString(1, cacheKey);
            statement.setString(2, holder);
            statement.setLong(3, expiresAt);
        }) > 0;
    }

    /** Extends a lease {@code holder} holds; false if it does not hold it. */
    public boolean renewLease(SqlSession session, String cacheKey, String holder, long expiresAt) throws SQLException {
        return session.update("UPDATE cache_leases SET expires_at = ? WHERE cache_key = ? AND holder = ?", statement -> {
            statement.setLong(1, expiresAt);
            statement.setString(2, cacheKey);
            statement.setString(3, holder);
        }) > 0;
    }

    /** {@link #tryAcquireLease} until {@code ttlNanos} after the database's clock. */
    public boolean tryAcquireLeaseFor(SqlSession session, String cacheKey, String holder, long ttlNanos) throws SQLException {
        return session.update(acquireFor, statement -> {
            statement.setString(1, cacheKey);
            statement.setString(2, holder);
            statement.setLong(3, ttlNanos);
        }) > 0;
    }

    /**
     * {@link #tryAcquireLeaseFor}, then {@link #findCandidates} (the lookup that must follow a lease taken, in case
     * another holder completed the step just before): on a session that sends statements together, both in one round
     * trip, the upsert first. Empty when the lease was not taken.
     */
    public Optional<List<CacheCandidate>> tryAcquireLeaseForAndFind(SqlSession session, String cacheKey, String holder, long ttlNanos, int limit)
            throws SQLException {
        int[] taken = new int[1];
        session.updateLater(acquireFor, statement -> {
            statement.setString(1, cacheKey);
            statement.setString(2, holder);
            statement.setLong(3, ttlNanos);
        }, changed -> taken[0] = changed);
        List<CacheCandidate> found = findCandidates(session, cacheKey, limit);
        return taken[0] > 0 ? Optional.of(found) : Optional.empty();
    }

    /**
     * {@link #tryAcquireLeaseForAndFind}, the lease taken only when no completed step run has the key (a step's first
     * lookup: on a miss it needs the lease, on a likely hit not): on a session that sends statements together, both in
     * one round trip, the upsert first. The candidates, and whether the lease was taken.
     */
    public dev.cairn.api.metadata.MetadataStore.CandidatesOrLease findCandidatesOrAcquireLeaseFor(SqlSession session, String cacheKey, String holder,
            long ttlNanos, int limit) throws SQLException {
        int[] taken = new int[1];
        session.updateLater(acquireForIfUncached, statement -> {
            statement.setString(1, cacheKey);
            statement.setString(2, holder);
            statement.setLong(3, ttlNanos);
            statement.setString(4, cacheKey);
        }, changed -> taken[0] = changed);
        List<CacheCandidate> found = findCandidates(session, cacheKey, limit);
        return new dev.cairn.api.metadata.MetadataStore.CandidatesOrLease(found, taken[0] > 0);
    }

    /** {@link #renewLease} to {@code ttlNanos} after the database's clock. */
    public boolean renewLeaseFor(SqlSession session, String cacheKey, String holder, long ttlNanos) throws SQLException {
        return session.update(renewFor, statement -> {
            statement.setLong(1, ttlNanos);
            statement.setString(2, cacheKey);
            statement.setString(3, holder);
        }) > 0;
    }

    /** Deletes the lease if {@code holder} holds it. */
    public void releaseLease(SqlSession session, String cacheKey, String holder) throws SQLException {
        session.updateLater("DELETE FROM cache_leases WHERE cache_key = ? AND holder = ?", statement -> {
            statement.setString(1, cacheKey);
            statement.setString(2, holder);
        });
    }
}
