package dev.cairn.cli;

import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;

/** A pipeline whose step prints, for {@code cairn run} in the CLI tests. */
public final class PrintingPipelines {
    private PrintingPipelines() {}

    @Step
    public static int shout() {
        System.out.println("shouting from the step");
        return 1;
    }

    public static Pipeline printing() {
        return Pipeline.define("printing", p -> p.call(PrintingPipelines::shout));
    }
}
