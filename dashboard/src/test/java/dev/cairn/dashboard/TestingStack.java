package dev.cairn.dashboard;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.artifact.VisualizationType;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.Materializer;

/**
 * A real engine in a fresh home with a few recorded runs, for the dashboard's tests: two runs of a training pipeline
 * (different learning rates, so their accuracies differ), a run with a failing step, and a run whose artifact has a
 * hostile name, hostile metadata and hostile visualizations (script tags, {@code javascript:} URLs, terminal escape
 * sequences), stored through {@link HostileMaterializer}.
 */
final class TestingStack implements AutoCloseable {
    static final String HOSTILE_NAME = "<img src=x onerror=alert('name')>javascript:alert(1)";
    static final String ESCAPE_SEQUENCE = "\u001b[31mred\u001b[0m\u001b]8;;http://evil.example\u0007link";
    /** What the hostile step prints: markup and terminal escape sequences, which its log page must show as text. */
    static final String HOSTILE_LOG = "<script>alert('log')</script></pre><img src=x onerror=alert(2)>" + ESCAPE_SEQUENCE;

    final Path home;
    final Cairn cairn;
    final List<PipelineRun> trainingRuns = new ArrayList<>();
    PipelineRun failedRun;
    PipelineRun hostileRun;

    TestingStack(Path home) {
        this.home = home;
        this.cairn = Cairn.builder().home(home).parallelism(2).plugin(new HostilePlugin()).build();
    }

    static TestingStack withRuns(Path home) {
        TestingStack stack = new TestingStack(home);
        stack.trainingRuns.add(stack.cairn.run(training(0.1)));
        stack.trainingRuns.add(stack.cairn.run(training(0.3)));
        // typed metadata and tags for the search: the first accuracy 0.6 (a draft), the second 0.8 (in production)
        ArtifactVersion firstAccuracy = stack.trainingRuns.get(0).step("train").output("output");
        ArtifactVersion secondAccuracy = stack.trainingRuns.get(1).step("train").output("output");
        stack.cairn.client().logMetadata(firstAccuracy.id(), Map.of("score", 0.6, "notes", "first draft, small data"));
        stack.cairn.client().logMetadata(secondAccuracy.id(), Map.of("score", 0.8, "notes", "second try"));
        stack.cairn.client().tagVersion(secondAccuracy.name(), secondAccuracy.version(), "production");
        stack.failedRun = stack.cairn.run(Pipeline.define("failing", p -> p.call(Steps::explode, p.call(Steps::load, Param.of(3)))));
        stack.hostileRun = stack.cairn.run(Pipeline.define("hostile", p -> p.with(StepOptions.builder().artifactName("output", HOSTILE_NAME).build())
                .call(Steps::hostile)));
        stack.cairn.client().logMetadata(stack.hostileArtifact().id(), Map.of("<script>alert('logged key')</script>", "<script>alert('logged')</script>" + ESCAPE_SEQUENCE));
        return stack;
    }

    static Pipeline training(double learningRate) {
        return Pipeline.define("training", p -> {
            Ref<List<Integer>> data = p.call(Steps::load, Param.of(20));
            Ref<List<Integer>> clean = p.call(Steps::clean, data);
            Ref<Double> accuracy = p.with(StepOptions.builder().artifactName("output", "accuracy").enableCache(false).build())
                    .call(Steps::train, clean, Param.of(learningRate));
            p.call(Steps::report, accuracy, data);
        });
    }

    ArtifactVersion hostileArtifact() {
        return hostileRun.step("hostile").output("output");
    }

    public static final class Steps {
        @Step
        public static List<Integer> load(int size) {
            List<Integer> values = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                values.add(i * 7 % 11);
            }
            return values;
        }

        @Step
        public static List<Integer> clean(List<Integer> values) {
            return values.stream().filter(v -> v > 0).toList();
        }

        @Step
        public static double train(List<Integer> values, double learningRate) {
            System.out.println("training on " + values.size() + " values with learning rate " + learningRate);
            return Math.min(0.99, 0.5 + learningRate + values.size() / 1000.0);
        }

        @Step
        public static String report(double accuracy, List<Integer> data) {
            return "accuracy " + accuracy + " on " + data.size();
        }

        @Step
        public static int explode(List<Integer> values) {
            throw new IllegalStateException("exploded on purpose after " + values.size() + " values");
        }

        @Step
        public static Hostile hostile() {
            System.out.println(HOSTILE_LOG);
            return new Hostile("<script>alert('value')</script>" + ESCAPE_SEQUENCE);
        }
    }

    /** A value whose stored strings attack the page that shows them. */
    public record Hostile(String text) {}

    /** Stores {@link Hostile} as a text file, with hostile metadata and visualizations. */
    static final class HostileMaterializer implements Materializer<Hostile> {
        @Override
        public String id() {
            return "test.hostile";
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public List<Class<?>> handledTypes() {
            return List.of(Hostile.class);
        }

        @Override
        public void save(Hostile value, ArtifactWriter writer) throws IOException {
            try (OutputStream out = writer.create("hostile.txt")) {
                out.write(value.text().getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public Hostile load(Type type, ArtifactReader reader) throws IOException {
            try (var in = reader.open("hostile.txt")) {
                return new Hostile(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }

        @Override
        public Map<String, Object> extractMetadata(Hostile value) {
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("<script>alert('key')</script>", "<script>alert('metadata')</script>");
            metadata.put("link", "javascript:alert('link')");
            metadata.put("terminal", ESCAPE_SEQUENCE);
            metadata.put("score", 0.5);
            return metadata;
        }

        @Override
        public List<Visualization> visualizations(Hostile value) {
            return List.of(
                    Visualization.text("page", VisualizationType.HTML, "<h1 id=\"inside\">inside</h1><script>alert('html')</script>"
                            + "<img src=x onerror=\"alert('img')\"><a href=\"javascript:alert('href')\">click</a>"),
                    Visualization.text("drawing", VisualizationType.SVG, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"40\" onload=\"alert('svg')\">"
                            + "<script>alert('svg-script')</script><rect width=\"40\" height=\"40\" fill=\"red\"/></svg>"),
                    Visualization.text("notes", VisualizationType.MARKDOWN, "[click](javascript:alert('md')) <script>alert('md-script')</script> " + ESCAPE_SEQUENCE),
                    Visualization.text("table", VisualizationType.CSV, "name,value\n\"<script>alert('csv')</script>\",1\n"));
        }
    }

    static final class HostilePlugin implements CairnPlugin {
        @Override
        public List<Materializer<?>> materializers() {
            return List.of(new HostileMaterializer());
        }
    }

    @Override
    public void close() {
        cairn.close();
    }

    /** A small HTTP client for tests: no redirects followed, so each answer is seen as sent. */
    static final class Http {
        private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        private final URI base;

        Http(URI base) {
            this.base = base;
        }

        HttpResponse<String> get(String path) {
            return send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
        }

        HttpResponse<byte[]> getBytes(String path) {
            try {
                return client.send(HttpRequest.newBuilder(base.resolve(path)).GET().timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        HttpResponse<String> send(HttpRequest request) {
            try {
                return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        }
    }

    static Path write(Path file, String text) throws IOException {
        Files.writeString(file, text);
        return file;
    }
}
