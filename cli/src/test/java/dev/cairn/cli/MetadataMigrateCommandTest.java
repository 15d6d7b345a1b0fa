package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.cli.CliRun.Result;
import dev.cairn.engine.metadata.postgres.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn metadata migrate}: a home's SQLite metadata into a real PostgreSQL database, printed counts, run twice. */
class MetadataMigrateCommandTest {
    @TempDir
    Path dir;

    public static final class Steps {
        @Step
        public static int twice(int value) {
            return value * 2;
        }
    }

    private static Result cli(String... args) {
        return CliRun.cli(args);
    }

    @Test
    void migratesTheHomesMetadataPrintsVerifiedCountsAndChangesNothingTheSecondTime() {
        Path home = dir.resolve("home");
        PipelineRun run;
        try (Cairn cairn = Cairn.builder().home(home).build()) {
            run = cairn.run(Pipeline.define("doubling", p -> p.call(Steps::twice, Param.of(21))));
        }
        URI target = TestingPostgres.server().newDatabase();
        String withPassword = target + "&password=hunter2"; // the test server trusts every password; none may be printed

        Result first = cli("--home", home.toString(), "metadata", "migrate", "--to", withPassword);
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("Migrating metadata from sqlite:" + home.resolve("metadata.db").toUri().getRawPath())
                .containsPattern("pipeline_runs\\s+1 source\\s+1 copied\\s+0 already there\\s+1 verified")
                .containsPattern("step_runs\\s+1 source\\s+1 copied")
                .contains("every source row verified in the target").doesNotContain("hunter2").contains("password=****");

        Result second = cli("metadata", "migrate", "--from", "sqlite:" + home.resolve("metadata.db").toUri().getRawPath(), "--to", withPassword);
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).containsPattern("pipeline_runs\\s+1 source\\s+0 copied\\s+1 already there\\s+1 verified").contains(" 0 copied, ");

        Result runs = cli("--home", dir.resolve("server-home").toString(), "--metadata", target.toString(), "--store",
                home.resolve("store").toUri().toString(), "runs", "list");
        assertThat(runs.exitCode()).as(runs.err()).isZero();
        assertThat(runs.out()).contains(run.id().toString().substring(0, 8)).contains("doubling");
    }

    @Test
    void aMissingSourceOrAnUnsupportedTargetIsRefusedWithoutCreatingAnything() {
        Result missing = cli("--home", dir.resolve("empty").toString(), "metadata", "migrate", "--to", "postgresql://127.0.0.1:1/none?user=x");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("No metadata to migrate", dir.resolve("empty").resolve("metadata.db").toString());
        assertThat(dir.resolve("empty").resolve("metadata.db")).doesNotExist();

        Result unsupported = cli("--home", dir.toString(), "metadata", "migrate", "--from", "mysql://db/cairn", "--to", "postgresql://127.0.0.1:1/none?user=x");
        assertThat(unsupported.exitCode()).isEqualTo(2);
        assertThat(unsupported.err()).contains("only sqlite: and postgresql:// metadata stores");
    }
}
