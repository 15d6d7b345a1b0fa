package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.artifact.VisualizationType;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.engine.materializers.JsonMaterializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12, scenario 18: the Markdown renderer handles large hostile inputs (the old one was quadratic: 48k
 * characters took 21 s; the timeouts here are only a hang guard, speed is measured by MarkdownBenchmark), pages of
 * different versions get different files, and table cells keep their bars and line breaks.
 */
class VisualizationSafetyTest {
    private static final int SIZE = 400_000;

    @TempDir
    Path home;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void largeParagraphsOfUnmatchedDelimitersRenderAsEscapedText() {
        for (String unit : List.of("[", "*a", "_a", "_a ", "[x](", "*a _b ", "<&")) {
            String source = unit.repeat(SIZE / unit.length());
            String html = HtmlPage.markdown(source);
            assertThat(html).as(unit).startsWith("<p>").endsWith("</p>\n").doesNotContain("<a ").doesNotContain("<code>");
            String text = html.substring(3, html.length() - 5).replace("&lt;", "<").replace("&amp;", "&");
            assertThat(text).as(unit).isEqualTo(source.strip());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void largeInputsWithMarkupAndDeepNestingRender() {
        String source = "some **bold** and _em_ and `code` and [link](https://example.org) ".repeat(SIZE / 64);
        String html = HtmlPage.markdown(source);
        assertThat(html.split("<strong>bold</strong>", -1)).hasSize(SIZE / 64 + 1);
        assertThat(html.split("<a href=\"https://example.org\" rel=\"noopener noreferrer\">link</a>", -1)).hasSize(SIZE / 64 + 1);

        String nested = "*_".repeat(SIZE / 4) + "x" + "_*".repeat(SIZE / 4);
        assertThat(HtmlPage.markdown(nested)).contains("<em>").contains("x"); // no StackOverflowError: deep nesting stays text

        String lines = "- item with *em*\n".repeat(SIZE / 16) + "| a | b |\n|---|---|\n" + "| 1 | 2 |\n".repeat(SIZE / 10);
        String rendered = HtmlPage.markdown(lines);
        assertThat(rendered.split("<li>", -1)).hasSize(SIZE / 16 + 1);
        assertThat(rendered.split("<td>1</td>", -1)).hasSize(SIZE / 10 + 1);
    }

    public record Row(String name, String note) {}

    @Test
    void tableCellsKeepBarsAndLineBreaks() {
        List<Visualization> visualizations = new JsonMaterializer().visualizations(List.of(new Row("a|b", "line1\nline2"), new Row("c\\d", "<b>")));
        String markdown = visualizations.stream().filter(v -> v.type() == VisualizationType.MARKDOWN && v.name().equals("table")).findFirst()
                .orElseThrow().text();
        String html = HtmlPage.markdown(markdown);
        assertThat(html).contains("<td>a|b</td><td>line1<br>line2</td>").contains("<td>c\\d</td><td>&lt;b&gt;</td>");

        String csv = visualizations.stream().filter(v -> v.type() == VisualizationType.CSV).findFirst().orElseThrow().text();
        assertThat(HtmlPage.csvTable(csv)).contains("<td>a|b</td><td>line1<br>line2</td>");
        assertThat(HtmlPage.csvTable("x,y\n\"1,\n2\",\"say \"\"hi\"\"\"\r\n\n3,4\n"))
                .isEqualTo("<table><tr><th>x</th><th>y</th></tr><tr><td>1,<br>2</td><td>say &quot;hi&quot;</td></tr><tr><td>3</td><td>4</td></tr></table>\n");
    }

    public static final class Steps {
        @Step
        public static int one() {
            return 1;
        }
    }

    @Test
    void pagesOfDifferentVersionsGetDifferentFiles() throws Exception {
        try (Cairn cairn = Cairn.open(home)) {
            for (String name : List.of("a:b", "a_b", "a-1")) {
                cairn.run(Pipeline.define("p", p -> p.with(StepOptions.builder().artifactName("output", name).build()).call(Steps::one)));
            }
            cairn.run(Pipeline.define("p", p -> p.with(StepOptions.builder().artifactName("output", "a").artifactVersion("output", "1-1").build())
                    .call(Steps::one)));
        }
        List<String> references = List.of("a:b:1", "a_b:1", "a-1:1", "a:1-1");
        List<Path> pages = new java.util.ArrayList<>();
        for (String reference : references) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = CairnCli.execute(new String[] {"--home", home.toString(), "artifact", "visualize", reference}, new PrintWriter(out, true),
                    new PrintWriter(err, true), new BufferedReader(new StringReader("")));
            assertThat(code).as(err.toString()).isZero();
            pages.add(Path.of(out.toString().strip()));
        }
        assertThat(pages).doesNotHaveDuplicates();
        for (int i = 0; i < pages.size(); i++) {
            String reference = references.get(i);
            String title = reference.substring(0, reference.lastIndexOf(':')) + ":" + reference.substring(reference.lastIndexOf(':') + 1);
            assertThat(Files.readString(pages.get(i), StandardCharsets.UTF_8)).contains("<h1>" + title + "</h1>");
        }
        assertThat(VisualizeCommand.pageFileName("é".repeat(200), "1")).hasSizeLessThan(256).endsWith(".html");
    }
}
