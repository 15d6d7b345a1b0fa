package dev.cairn.api.artifact;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/**
 * Hints for loading part of an artifact: columns to read and a row limit. A materializer that cannot
 * honour them loads everything; one that can (a columnar format) reads only what is asked.
 *
 * @param columns the columns to read; empty means all
 * @param rowLimit the maximum number of rows; empty means all
 * @param verify check every file against the manifest's SHA-256 before returning
 */
@API(status = API.Status.STABLE, since = "0.1")
public record LoadOptions(Optional<List<String>> columns, OptionalLong rowLimit, boolean verify) {
    public static final LoadOptions DEFAULT = new LoadOptions(Optional.empty(), OptionalLong.empty(), false);

    /** @throws CairnException {@code INVALID_ARGUMENT} if {@code rowLimit} is negative */
    public LoadOptions {
        requireNonNull(columns, "columns is null");
        requireNonNull(rowLimit, "rowLimit is null");
        columns = columns.map(List::copyOf);
        if (rowLimit.isPresent() && rowLimit.getAsLong() < 0) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "The row limit of a load must not be negative, got " + rowLimit.getAsLong());
        }
    }

    public LoadOptions withColumns(List<String> columns) {
        return new LoadOptions(Optional.of(columns), rowLimit, verify);
    }

    public LoadOptions withRowLimit(long limit) {
        return new LoadOptions(columns, OptionalLong.of(limit), verify);
    }

    public LoadOptions withVerify(boolean verify) {
        return new LoadOptions(columns, rowLimit, verify);
    }
}
