package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import dev.cairn.api.Cairn;
import dev.cairn.api.StepContext;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.lineage.Lineage;
import dev.cairn.api.lineage.LineageEdge;
import dev.cairn.api.lineage.LineageNode;
import dev.cairn.api.pipeline.ArtifactName;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.engine.lineage.LineageGraph;
import org.jgrapht.Graph;
import org.jgrapht.alg.shortestpath.DijkstraShortestPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineageTest {
    public static final class Steps {
        @Step
        public static List<Integer> load(int size) {
            return java.util.stream.IntStream.range(0, size).boxed().toList();
        }

        @Step
        public static List<Integer> clean(List<Integer> raw) {
            return raw.stream().filter(x -> x % 2 == 0).toList();
        }

        @Step
        @ArtifactName("model")
        public static int train(List<Integer> cleaned, List<Integer> raw) {
            return cleaned.size() * 100 + raw.size();
        }

        @Step
        public static int compare(int fresh) {
            int previous = StepContext.current().client().getArtifactVersion("model", "1").load();
            return fresh - previous;
        }
    }

    static Pipeline threeSteps() {
        return Pipeline.define("lineage", p -> {
            Ref<List<Integer>> raw = p.call(Steps::load, Param.of(10));
            Ref<List<Integer>> cleaned = p.call(Steps::clean, raw);
            p.call(Steps::train, cleaned, raw);
        });
    }

    @Test
    void artifactLineageShowsProducerInputsTransitivelyAndConsumers(@TempDir Path home) {
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.run(threeSteps());
            ArtifactVersion model = run.step("train").output("output");
            Lineage lineage = cairn.client().lineage(model);

            LineageNode root = lineage.root();
            assertThat(root.label()).isEqualTo("model:1");
            List<String> upstream = lineage.upstream(root).stream().map(LineageNode::label).toList();
            assertThat(upstream).containsExactlyInAnyOrder("lineage/train", "lineage::clean::output:1", "lineage::load::output:1", "lineage/clean", "lineage/load");
            assertThat(upstream.get(0)).isEqualTo("lineage/train");
            assertThat(lineage.predecessors(root)).singleElement().isInstanceOfSatisfying(LineageNode.StepRunNode.class, step -> {
                assertThat(step.runId()).isEqualTo(run.id());
                assertThat(step.pipelineName()).isEqualTo("lineage");
            });

            ArtifactVersion raw = run.step("load").output("output");
            Lineage rawLineage = cairn.client().lineage(raw);
            assertThat(rawLineage.downstream(rawLineage.root()).stream().map(LineageNode::label).toList())
                    .containsExactlyInAnyOrder("lineage/clean", "lineage/train", "lineage::clean::output:1", "model:1");
            assertThat(rawLineage.edges()).filteredOn(e -> e.kind() == LineageEdge.Kind.CONSUMED).extracting(LineageEdge::name).contains("raw");

            Graph<LineageNode, LineageEdge> graph = LineageGraph.graph(rawLineage);
            LineageNode modelNode = graph.vertexSet().stream().filter(n -> n.label().equals("model:1")).findFirst().orElseThrow();
            assertThat(DijkstraShortestPath.findPathBetween(graph, rawLineage.root(), modelNode).getLength()).as("raw -> train -> model").isEqualTo(2);
        }
    }

    @Test
    void loadsThroughTheClientInsideAStepAreLineage(@TempDir Path home) {
        try (Cairn cairn = Cairn.open(home)) {
            cairn.run(threeSteps());
            PipelineRun comparison = cairn.run(Pipeline.define("comparison", p -> p.call(Steps::compare, Param.of(7))));
            ArtifactVersion model = cairn.client().getArtifactVersion("model", "1");
            Lineage lineage = cairn.client().lineage(model);
            assertThat(lineage.downstream(lineage.root()).stream().map(LineageNode::label).toList())
                    .contains("comparison/compare", "comparison::compare::output:1");
            assertThat(lineage.successors(lineage.root())).singleElement().isInstanceOfSatisfying(LineageNode.StepRunNode.class,
                    step -> assertThat(step.runId()).isEqualTo(comparison.id()));
        }
    }

    @Test
    void lineageOfALongChainHasEveryStepAndNoSiblingBranch(@TempDir Path home) {
        int steps = 300;
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.run(Pipeline.define("long_chain", p -> {
                Ref<List<Integer>> value = p.call(Steps::load, Param.of(4));
                p.call(Steps::clean, value); // a sibling branch: not upstream of the chain's last output
                for (int i = 1; i < steps; i++) {
                    value = p.call(Steps::clean, value);
                }
            }));
            ArtifactVersion last = run.steps().get(run.steps().size() - 1).outputs().values().iterator().next();
            Lineage lineage = cairn.client().lineage(last);

            assertThat(lineage.nodes()).hasSize(2 * steps); // every step of the chain and its output, nothing else
            assertThat(lineage.nodes()).extracting(LineageNode::label).doesNotContain("long_chain/clean");
            assertThat(lineage.edges()).filteredOn(e -> e.kind() == LineageEdge.Kind.PRODUCED).hasSize(steps);
            assertThat(lineage.edges()).filteredOn(e -> e.kind() == LineageEdge.Kind.CONSUMED).hasSize(steps - 1)
                    .extracting(LineageEdge::name).containsOnly("raw");
            assertThat(lineage.upstream(lineage.root())).hasSize(2 * steps - 1);
            assertThat(lineage.upstream(lineage.root())).extracting(LineageNode::label).contains("long_chain/load");
        }
    }

    @Test
    void runGraphIsTheDagOfStepRuns(@TempDir Path home) {
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.run(threeSteps());
            Lineage graph = cairn.client().runGraph(run.id());
            assertThat(graph.nodes()).hasSize(3);
            LineageNode load = graph.root();
            assertThat(load.label()).isEqualTo("lineage/load");
            assertThat(graph.successors(load)).extracting(LineageNode::label).containsExactlyInAnyOrder("lineage/clean", "lineage/train");
            assertThat(graph.downstream(load)).hasSize(2);
        }
    }
}
