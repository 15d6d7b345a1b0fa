package dev.cairn.spark;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apiguardian.api.API;

import dev.cairn.api.run.RunListener;
import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.Materializer;

/**
 * Registers the {@link DatasetMaterializer}, reads the stack file's {@code [spark]} table (the session
 * {@link SparkSessions#current()} builds when the application has none), and gives every run a {@link SparkJobGroups}
 * listener, so each step runs in its own Spark job group and a cancelled run cancels its Spark jobs; found through
 * {@code META-INF/services}.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SparkPlugin implements CairnPlugin {
    @Override
    public String name() {
        return "cairn-spark";
    }

    @Override
    public List<Materializer<?>> materializers() {
        return List.of(new DatasetMaterializer());
    }

    @Override
    public Optional<String> stackSection() {
        return Optional.of("spark");
    }

    /** Validates the {@code [spark]} table; a non-empty one becomes the configuration of {@link SparkSessions#current()}. */
    @Override
    public void configure(Map<String, Object> section) {
        SparkStackSettings settings = SparkStackSettings.parse(section);
        if (!settings.isEmpty()) {
            SparkSessions.useStackSettings(settings);
        }
    }

    /** One {@link SparkJobGroups} per run, on the session the application or Cairn has (none is started for it). */
    @Override
    public List<RunListener> runListeners() {
        return List.of(SparkJobGroups.automatic());
    }
}
