package dev.cairn.api.run;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

import dev.cairn.api.metadata.PipelineRunRecord;
import org.apiguardian.api.API;

/**
 * A page of runs answering a {@link RunQuery}, newest first; {@code next} is where the next page starts, empty on
 * the last page.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record RunPage(List<PipelineRunRecord> runs, Optional<RunQuery.Position> next) {
    public RunPage {
        runs = List.copyOf(requireNonNull(runs, "runs is null"));
        requireNonNull(next, "next is null");
    }

    /** The page for {@code query} from up to {@code limit + 1} matching runs in order: the extra one says there is more. */
    public static RunPage of(List<PipelineRunRecord> oneMoreThanLimit, int limit) {
        if (oneMoreThanLimit.size() <= limit) {
            return new RunPage(oneMoreThanLimit, Optional.empty());
        }
        List<PipelineRunRecord> page = oneMoreThanLimit.subList(0, limit);
        PipelineRunRecord last = page.get(limit - 1);
        return new RunPage(page, Optional.of(new RunQuery.Position(last.startedAt(), last.id())));
    }
}
