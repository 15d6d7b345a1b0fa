package dev.cairn.api.run;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/**
 * One page of a run listing: runs newest first (by start time, then by id), optionally of one pipeline and one
 * status, starting after a {@link Position} taken from the previous page.
 *
 * @param limit the most runs on the page, 1 to 1,000
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record RunQuery(Optional<String> pipelineName, Optional<RunStatus> status, Optional<Position> after, int limit) {
    /** The largest page a query may ask for. */
    public static final int MAX_LIMIT = 1000;

    public RunQuery {
        requireNonNull(pipelineName, "pipelineName is null");
        requireNonNull(status, "status is null");
        requireNonNull(after, "after is null");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ": " + limit);
        }
    }

    /** The first page of all runs, {@code limit} runs long. */
    public static RunQuery firstPage(int limit) {
        return new RunQuery(Optional.empty(), Optional.empty(), Optional.empty(), limit);
    }

    /** True when {@code run} belongs on a page of this query (filters and position; not the limit). */
    public boolean matches(String runPipelineName, RunStatus runStatus, Instant startedAt, UUID id) {
        return pipelineName.map(runPipelineName::equals).orElse(true)
                && status.map(runStatus::equals).orElse(true)
                && after.map(position -> position.isBefore(startedAt, id)).orElse(true);
    }

    /**
     * Where a page ended: the start time and id of its last run. The next page holds the runs that sort after it
     * (started earlier, or at the same instant with a smaller id).
     */
    public record Position(Instant startedAt, UUID id) {
        public Position {
            requireNonNull(startedAt, "startedAt is null");
            requireNonNull(id, "id is null");
        }

        /** True when a run started at {@code runStartedAt} with {@code runId} sorts after this position. */
        public boolean isBefore(Instant runStartedAt, UUID runId) {
            int byTime = runStartedAt.compareTo(startedAt);
            return byTime < 0 || (byTime == 0 && runId.toString().compareTo(id.toString()) < 0);
        }

        /** The opaque cursor text for this position (URL-safe). */
        public String token() {
            return startedAt.getEpochSecond() + "." + startedAt.getNano() + "." + id;
        }

        /**
         * Reads a cursor made by {@link #token()}.
         *
         * @throws CairnException {@code INVALID_ARGUMENT} when {@code token} is not such a cursor
         */
        public static Position parse(String token) {
            requireNonNull(token, "token is null");
            String[] parts = token.split("\\.", 3);
            try {
                if (parts.length != 3 || !parts[2].matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
                    throw new IllegalArgumentException(token);
                }
                return new Position(Instant.ofEpochSecond(Long.parseLong(parts[0]), Integer.parseInt(parts[1])), UUID.fromString(parts[2]));
            } catch (RuntimeException e) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT,
                        "'" + token + "' is not a run cursor: pass the next cursor of the previous page unchanged, or none for the first page");
            }
        }
    }
}
