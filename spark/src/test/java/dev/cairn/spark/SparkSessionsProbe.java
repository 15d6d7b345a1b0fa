package dev.cairn.spark;

import java.nio.file.Path;

import org.apache.spark.sql.SparkSession;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.run.PipelineRun;

/**
 * The child JVM of {@link SparkSessionsConfigurationTest}: an application without a SparkSession of its own. Prints
 * {@code key=value} lines: what {@link SparkSessions#current()} says without a configured master, then the session it
 * builds from the home's stack file ({@code [spark]}) and the system properties while a Cairn pipeline with a Dataset
 * step runs, and how many Spark jobs ran in that step's job group.
 */
public final class SparkSessionsProbe {
    private SparkSessionsProbe() {}

    public static void main(String[] args) {
        System.out.println("existingBefore=" + SparkSessions.existing().isPresent());
        try {
            SparkSessions.current();
            System.out.println("withoutMaster=no error");
        } catch (CairnException e) {
            System.out.println("withoutMaster=" + e.errorCode() + ": " + e.getMessage());
        }
        java.util.UUID runId;
        try (Cairn cairn = Cairn.open(Path.of(args[0]))) {
            PipelineRun run = cairn.run(Pipeline.define("configured", p -> p.call(SparkSteps::generate, Param.of(2))));
            System.out.println("run=" + run.status());
            runId = run.id();
            System.out.println("rows=" + run.step("generate").output("output").<org.apache.spark.sql.Dataset<?>>load().count());
        }
        SparkSession session = SparkSessions.existing().orElseThrow();
        System.out.println("master=" + session.sparkContext().master());
        System.out.println("appName=" + session.sparkContext().appName());
        System.out.println("shufflePartitions=" + session.conf().get("spark.sql.shuffle.partitions"));
        System.out.println("probe=" + session.conf().get("spark.cairn.probe"));
        System.out.println("groupJobs=" + session.sparkContext().statusTracker().getJobIdsForGroup(SparkJobGroups.jobGroup(runId, "generate")).length);
        System.out.println("sameSession=" + (SparkSessions.current() == session));
        session.stop();
    }
}
