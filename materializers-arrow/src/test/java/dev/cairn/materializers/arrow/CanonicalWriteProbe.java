package dev.cairn.materializers.arrow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;

/**
 * Child JVM of {@link CanonicalFooterAcrossJvmsTest}: before writing, asks for {@code args[1]} identity hash codes
 * (so this JVM's enum constants get other ones than in a JVM that asked for none), then saves one table through the
 * engine into the home {@code args[0]} and prints {@code contentHash=} and {@code fileSha256=} of its Parquet file.
 */
public final class CanonicalWriteProbe {
    public record Row(int id, String city, long amount, double score, boolean flag) {}

    public static final class Steps {
        private Steps() {}

        @Step
        public static List<Row> rows() {
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                rows.add(new Row(i, "city-" + (i % 17), (i % 50) * 1000L, (i % 7) / 4.0, i % 3 == 0));
            }
            return rows;
        }
    }

    private CanonicalWriteProbe() {}

    public static void main(String[] args) throws Exception {
        int identityHashes = Integer.parseInt(args[1]);
        long sum = 0;
        for (int i = 0; i < identityHashes; i++) {
            sum += System.identityHashCode(new Object());
        }
        Pipeline pipeline = Pipeline.define("canonical_probe", p -> p.call(Steps::rows));
        try (Cairn cairn = Cairn.open(Path.of(args[0]))) {
            PipelineRun run = cairn.run(pipeline);
            if (run.status() != RunStatus.COMPLETED) {
                throw new IllegalStateException(run.error().orElse("run failed"));
            }
            ArtifactVersion rows = run.step("rows").output("output");
            byte[] file = Files.readAllBytes(Path.of(rows.uri()).resolve(ParquetFormat.FILE_NAME));
            System.out.println("identityHashSum=" + sum);
            System.out.println("contentHash=" + rows.contentHash());
            System.out.println("fileSha256=" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)));
        }
    }
}
