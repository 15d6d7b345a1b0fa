package dev.cairn.examples;

import java.util.ArrayList;
import java.util.List;

import dev.cairn.api.pipeline.ArtifactName;
import dev.cairn.api.pipeline.MultipleOutputs;
import dev.cairn.api.pipeline.Step;

/** The steps of the quickstart: create a small table, enrich it, split it. */
public final class QuickstartSteps {
    private QuickstartSteps() {}

    public record Row(int feature1, int feature2, int target) {}

    public record Enriched(int feature1, int feature2, int feature3, int target) {}

    /** Two outputs, named after the components: {@code trainData} and {@code testData}. */
    public record Split(List<Enriched> trainData, List<Enriched> testData) implements MultipleOutputs {}

    @Step
    public static List<Row> createData() {
        return List.of(new Row(1, 4, 10), new Row(2, 5, 20), new Row(3, 6, 30), new Row(4, 7, 40), new Row(5, 8, 50));
    }

    @Step
    public static List<Enriched> processData(List<Row> rows) {
        List<Enriched> enriched = new ArrayList<>(rows.size());
        for (Row row : rows) {
            enriched.add(new Enriched(row.feature1(), row.feature2(), row.feature1() * row.feature2(), row.target()));
        }
        return enriched;
    }

    @Step
    public static Split splitDataset(List<Enriched> rows) {
        int cut = (int) Math.ceil(rows.size() * 0.8);
        return new Split(List.copyOf(rows.subList(0, cut)), List.copyOf(rows.subList(cut, rows.size())));
    }

    @Step
    @ArtifactName("{dataset_type}_data")
    public static List<Row> extractData(String source) {
        List<Row> rows = new ArrayList<>();
        int seed = source.hashCode();
        for (int i = 0; i < 4; i++) {
            rows.add(new Row(i, Math.floorMod(seed + i, 7), i * 10));
        }
        return rows;
    }

    @Step
    public static String createPromptTemplate() {
        return """
                You are a helpful customer service agent.

                Customer Query: {query}
                Previous Context: {context}

                Please provide a helpful response following our company guidelines.
                """;
    }

    /** The response record the agent test returns. */
    public record AgentResponse(String query, String response, String promptUsed) {}

    @Step
    public static AgentResponse testAgentResponse(String promptTemplate, String testQuery) {
        String filled = promptTemplate.replace("{query}", testQuery).replace("{context}", "Previous customer complained about delayed shipping");
        return new AgentResponse(testQuery, "Your order is on its way.", filled);
    }
}
