package dev.cairn.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.cairn.dashboard.graph.Graph;
import dev.cairn.dashboard.graph.GraphFilters;
import dev.cairn.dashboard.graph.LayeredLayout;
import dev.cairn.dashboard.graph.Scene;
import dev.cairn.dashboard.graph.Timeline;
import dev.cairn.dashboard.html.Html;
import org.junit.jupiter.api.Test;

/** The server-side layout, graph filters and escaping, on hand-made graphs. */
class GraphLayoutTest {
    private static Graph graph(String... edges) {
        List<Graph.Node> nodes = new ArrayList<>();
        List<Graph.Edge> list = new ArrayList<>();
        java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
        for (String edge : edges) {
            String[] ends = edge.split(">");
            ids.add(ends[0]);
            if (ends.length > 1) {
                ids.add(ends[1]);
                list.add(new Graph.Edge(ends[0], ends[1]));
            }
        }
        ids.forEach(id -> nodes.add(new Graph.Node(id, id, "COMPLETED", "/x/" + id)));
        return new Graph(nodes, list);
    }

    private static Map<String, Scene.Box> boxes(Scene scene) {
        Map<String, Scene.Box> boxes = new HashMap<>();
        scene.boxes().forEach(box -> boxes.put(box.id(), box));
        return boxes;
    }

    @Test
    void layersFollowTheLongestPathAndEveryEdgePointsRight() {
        Graph graph = graph("a>b", "b>c", "a>c", "c>d", "x>d");
        Map<String, Scene.Box> boxes = boxes(LayeredLayout.layout(graph, Map.of()));
        assertThat(boxes.get("a").x()).isEqualTo(boxes.get("x").x());
        assertThat(boxes.get("b").x()).isGreaterThan(boxes.get("a").x());
        assertThat(boxes.get("c").x()).isGreaterThan(boxes.get("b").x());
        assertThat(boxes.get("d").x()).isGreaterThan(boxes.get("c").x());
        Scene scene = LayeredLayout.layout(graph, Map.of());
        assertThat(scene.lines()).hasSize(5).allSatisfy(line -> assertThat(line.x2()).isGreaterThan(line.x1()));
        for (Scene.Box box : scene.boxes()) {
            assertThat(box.x() + box.w()).isLessThanOrEqualTo(scene.width());
            assertThat(box.y() + box.h()).isLessThanOrEqualTo(scene.height());
        }
    }

    @Test
    void boxesInALayerNeverOverlapAndBarycentersUntangleCrossings() {
        // two chains whose second layer starts in the crossing order
        Graph graph = new Graph(List.of(node("a1"), node("a2"), node("b2"), node("b1")),
                List.of(new Graph.Edge("a1", "a2"), new Graph.Edge("b1", "b2")));
        Map<String, Scene.Box> boxes = boxes(LayeredLayout.layout(graph, Map.of()));
        assertThat(Integer.signum(boxes.get("a1").y() - boxes.get("b1").y())).isEqualTo(Integer.signum(boxes.get("a2").y() - boxes.get("b2").y()));
        assertThat(boxes.get("a2").y()).isNotEqualTo(boxes.get("b2").y());
    }

    private static Graph.Node node(String id) {
        return new Graph.Node(id, id, "PENDING", "/");
    }

    @Test
    void aCycleDoesNotLoseNodes() {
        Graph graph = graph("a>b", "b>c", "c>b");
        assertThat(LayeredLayout.layout(graph, Map.of()).boxes()).hasSize(3);
    }

    @Test
    void tenThousandNodesLayOut() {
        List<Graph.Node> nodes = new ArrayList<>();
        List<Graph.Edge> edges = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            nodes.add(node("n" + i));
            if (i > 0) {
                edges.add(new Graph.Edge("n" + ((i - 1) / 3), "n" + i));
            }
        }
        Scene scene = LayeredLayout.layout(new Graph(nodes, edges), Map.of());
        assertThat(scene.boxes()).hasSize(10_000);
        assertThat(scene.lines()).hasSize(9_999);
        assertThat(scene.boxes().stream().map(box -> box.x() + ":" + box.y()).distinct().count()).isEqualTo(10_000);
    }

    @Test
    void neighbourhoodWalksKHopsTheChosenWay() {
        Graph graph = graph("a>b", "b>c", "c>d", "x>c");
        assertThat(GraphFilters.neighbourhood(graph, "c", 1, GraphFilters.Direction.BOTH)).containsExactlyInAnyOrder("b", "c", "d", "x");
        assertThat(GraphFilters.neighbourhood(graph, "c", 2, GraphFilters.Direction.UPSTREAM)).containsExactlyInAnyOrder("a", "b", "c", "x");
        assertThat(GraphFilters.neighbourhood(graph, "b", 5, GraphFilters.Direction.DOWNSTREAM)).containsExactlyInAnyOrder("b", "c", "d");
        assertThat(GraphFilters.neighbourhood(graph, "b", 0, GraphFilters.Direction.BOTH)).containsExactly("b");
        assertThat(GraphFilters.neighbourhood(graph, "nope", 3, GraphFilters.Direction.BOTH)).isEmpty();
    }

    @Test
    void collapseHidesOnlyWhatIsReachableSolelyThroughTheCollapsedNode() {
        Graph graph = graph("a>b", "b>c", "c>d", "a>d", "b>e");
        GraphFilters.Collapsed collapsed = GraphFilters.collapse(graph, Set.of("b"));
        assertThat(collapsed.visible()).containsExactlyInAnyOrder("a", "b", "d");
        assertThat(collapsed.hiddenBelow()).containsEntry("b", 2);
        assertThat(GraphFilters.collapse(graph, Set.of()).visible()).hasSize(5);
    }

    @Test
    void timelineOrdersByStartAndScalesBars() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Scene scene = Timeline.layout(List.of(
                new Timeline.Entry("late", "late", "COMPLETED", "/", Optional.of(t0.plusSeconds(5)), Optional.of(t0.plusSeconds(10))),
                new Timeline.Entry("early", "early", "COMPLETED", "/", Optional.of(t0), Optional.of(t0.plusSeconds(5))),
                new Timeline.Entry("never", "never", "PENDING", "/", Optional.empty(), Optional.empty())), t0.plusSeconds(10));
        assertThat(scene.boxes()).extracting(Scene.Box::id).containsExactly("early", "late");
        Scene.Box early = scene.boxes().get(0);
        Scene.Box late = scene.boxes().get(1);
        assertThat(early.w()).isEqualTo(late.w());
        assertThat(late.x()).isEqualTo(early.x() + early.w());
        assertThat(early.note()).isEqualTo("5.0 s");
        assertThat(Timeline.format(Duration.ofMillis(61_500))).isEqualTo("1 min 1 s");
    }

    @Test
    void sceneDataEmbeddedInAPageCannotCloseItsElement() throws Exception {
        String hostile = "</script><script>alert('x')</script>&amp;";
        Scene scene = LayeredLayout.layout(new Graph(List.of(new Graph.Node("a", hostile, "COMPLETED", "/runs/x")), List.of()), Map.of());
        String data = dev.cairn.dashboard.pages.RunPages.sceneData(scene);
        assertThat(data).doesNotContain("<").doesNotContain(">").doesNotContain("&");
        com.fasterxml.jackson.databind.JsonNode parsed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(data);
        assertThat(parsed.get("boxes").get(0).get(5).asText()).isEqualTo(hostile);
    }

    @Test
    void escapingShowsControlCharactersAndNeutralisesMarkup() {
        assertThat(Html.text("<a href=\"x\">'&'</a>")).isEqualTo("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assertThat(Html.text("\u001b[31mred\u0007")).isEqualTo("\\u001b[31mred\\u0007");
        assertThat(Html.text("abc\u202edef\u200b")).isEqualTo("abc\\u202edef\\u200b");
        assertThat(Html.text("line\nnext\ttab")).isEqualTo("line\nnext\ttab");
        assertThat(Html.line("a\r\nb")).isEqualTo("a\\r\\nb");
    }
}
