package dev.cairn.api.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.junit.jupiter.api.Test;

class PipelineDefineTest {
    public record Row(int a, String b) {}

    public record Pair(List<Row> left, @ArtifactName("right_{side}") List<Row> right) implements MultipleOutputs {}

    public record NotMultiple(int x, int y) {}

    static final class Steps {
        @Step
        static List<Row> rows() {
            return List.of(new Row(1, "x"));
        }

        @Step
        static int count(List<Row> rows) {
            return rows.size();
        }

        @Step
        static String describe(List<String> names) {
            return String.join(",", names);
        }

        @Step
        static Pair pair(List<Row> rows, double fraction) {
            return new Pair(rows, rows);
        }

        @Step
        static NotMultiple single() {
            return new NotMultiple(1, 2);
        }

        @Step(name = "renamed")
        static int withName(Object anything) {
            return 1;
        }

        @Step
        static int configured(Map<String, Object> config) {
            return config.size();
        }

        static int notAStep() {
            return 0;
        }
    }

    @Test
    void recordsStepsArgumentsAndOutputsInDefinitionOrder() {
        Pipeline pipeline = Pipeline.define("p", p -> {
            Ref<List<Row>> rows = p.call(Steps::rows);
            Outputs<Pair> pair = p.call(Steps::pair, rows, Param.of(0.5));
            p.call(Steps::count, pair.get(Pair::left));
            p.call(Steps::count, pair.get(Pair::right));
        });
        assertThat(pipeline.steps()).extracting(StepInvocation::name).containsExactly("rows", "pair", "count", "count_2");
        StepInvocation pair = pipeline.steps().get(1);
        assertThat(pair.hasMultipleOutputs()).isTrue();
        assertThat(pair.outputs()).extracting(OutputSpec::name).containsExactly("left", "right");
        assertThat(pair.outputs().get(1).artifactNameTemplate()).contains("right_{side}");
        assertThat(pair.arguments()).extracting(StepArgument::name).containsExactly("rows", "fraction");
        assertThat(pair.arguments().get(1).input()).isEqualTo(Param.of(0.5));
        StepOutputRef<?> wired = (StepOutputRef<?>) pipeline.steps().get(3).arguments().get(0).input();
        assertThat(wired.producer()).isSameAs(pair);
        assertThat(wired.outputName()).isEqualTo("right");
    }

    @Test
    void aRecordThatIsNotMultipleOutputsIsOneOutput() {
        Pipeline pipeline = Pipeline.define("p", p -> p.call(Steps::single));
        assertThat(pipeline.steps().get(0).outputs()).extracting(OutputSpec::name).containsExactly("output");
    }

    @Test
    void stepNameComesFromTheAnnotationOrOptions() {
        Pipeline pipeline = Pipeline.define("p", p -> {
            p.call(Steps::withName, Param.of("x"));
            p.with(StepOptions.builder().name("custom").build()).call(Steps::withName, Param.of("y"));
        });
        assertThat(pipeline.steps()).extracting(StepInvocation::name).containsExactly("renamed", "custom");
    }

    @Test
    void anOutputTakenAsAnUnrelatedClassWithLoadedAsIsLeftToTheEngineButTheSameClassWithOtherElementsIsNot() {
        // another materializer may load the output's files as that class (Materializer.canLoad): the engine checks at compile
        Pipeline pipeline = Pipeline.define("p", p -> p.call(Steps::configured, p.call(Steps::rows).loadedAs(new dev.cairn.api.artifact.TypeRef<Map<String, Object>>() {})));
        assertThat(pipeline.steps()).hasSize(2);
        assertThat(pipeline.steps().get(1).arguments().get(0).type().getTypeName()).isEqualTo("java.util.Map<java.lang.String, java.lang.Object>");
        assertThatThrownBy(() -> Pipeline.define("p", p -> p.call(Steps::describe, p.call(Steps::rows).loadedAs(new dev.cairn.api.artifact.TypeRef<List<String>>() {}))))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH))
                .hasMessageContaining("argument 'names' of step 'describe'");
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void refOfTheWrongTypeIsRejectedAtDefinition() {
        assertThatThrownBy(() -> Pipeline.define("p", p -> {
            Ref rows = p.call(Steps::rows);
            p.call(Steps::describe, (Ref<List<String>>) rows);
        }))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("output 'output' of step 'rows'")
                .hasMessageContaining("java.util.List<dev.cairn.api.pipeline.PipelineDefineTest$Row>")
                .hasMessageContaining("argument 'names' of step 'describe'")
                .hasMessageContaining("java.util.List<java.lang.String>")
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
    }

    @Test
    void parameterThatIsNotJsonIsRejectedWithStepAndArgumentNamed() {
        assertThatThrownBy(() -> Pipeline.define("p", p -> p.call(Steps::configured, Param.of(Map.of("thread", new Thread())))))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("argument 'config' of step 'configured'")
                .hasMessageContaining("java.lang.Thread")
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER);
    }

    @Test
    void nanIsNotAJsonParameter() {
        assertThatThrownBy(() -> Pipeline.define("p", p -> p.call(Steps::pair, p.call(Steps::rows), Param.of(Double.NaN))))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("NaN");
    }

    @Test
    void jsonParametersAreAccepted() {
        Pipeline pipeline = Pipeline.define("p", p -> p.call(Steps::configured,
                Param.of(Map.of("rate", 0.1, "layers", List.of(1, 2), "row", new Row(1, "b"), "mode", ErrorCode.STEP_FAILED))));
        assertThat(pipeline.steps()).hasSize(1);
    }

    @Test
    void parameterOfTheWrongTypeIsRejected() {
        assertThatThrownBy(() -> Pipeline.define("p", p -> p.call(Steps::pair, p.call(Steps::rows), (Param) Param.of("fast"))))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("argument 'fraction' of step 'pair'")
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
    }

    @Test
    void passingAllOutputsOfAMultiOutputStepIsRejected() {
        assertThatThrownBy(() -> Pipeline.define("p", p -> {
            Outputs<Pair> pair = p.call(Steps::pair, p.call(Steps::rows), Param.of(0.5));
            p.call(Steps::withName, pair);
        }))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("Step 'pair' has several outputs [left, right]")
                .hasMessageContaining("get(Pair::left)");
    }

    @Test
    void methodWithoutStepAnnotationIsRejected() {
        assertThatThrownBy(() -> Pipeline.define("p", p -> p.call(Steps::notAStep)))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("Steps#notAStep is not annotated with @Step")
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INVALID_STEP_METHOD);
    }

    @Test
    void lambdaIsRejected() {
        assertThatThrownBy(() -> Pipeline.define("p", p -> p.call(() -> 1)))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("A lambda was passed as a step");
    }

    @Test
    void refFromAnotherDefinitionIsRejected() {
        Ref<?>[] leaked = new Ref<?>[1];
        Pipeline.define("first", p -> leaked[0] = p.call(Steps::rows));
        assertThatThrownBy(() -> Pipeline.define("second", p -> p.call(Steps::withName, leaked[0])))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("belongs to another pipeline definition");
    }

    @Test
    void optionsNamingAnUnknownOutputAreRejected() {
        assertThatThrownBy(() -> Pipeline.define("p", p -> p.with(StepOptions.builder().artifactVersion("nope", "1").build()).call(Steps::rows)))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("name output 'nope', which does not exist; its outputs are [output]");
    }

    @Test
    void emptyPipelineAndBadNameAreRejected() {
        assertThatThrownBy(() -> Pipeline.define("p", p -> {})).hasMessageContaining("calls no step");
        assertThatThrownBy(() -> Pipeline.define("bad/name", p -> p.call(Steps::rows))).hasMessageContaining("'bad/name' is invalid");
    }

    @Test
    void boundInstanceMethodsAreSteps() {
        Counter counter = new Counter(5);
        Pipeline pipeline = Pipeline.define("p", p -> p.call(counter::next));
        assertThat(pipeline.steps().get(0).target()).containsSame(counter);
        assertThat(pipeline.steps().get(0).name()).isEqualTo("next");
    }

    static final class Counter {
        private final int start;

        Counter(int start) {
            this.start = start;
        }

        @Step
        int next() {
            return start + 1;
        }
    }
}
