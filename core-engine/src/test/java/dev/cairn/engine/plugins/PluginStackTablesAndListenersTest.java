package dev.cairn.engine.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunListener;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.engine.stack.StackSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin reads its own table of {@code cairn.toml} ({@link CairnPlugin#stackSection()}, {@link CairnPlugin#configure})
 * and adds listeners to every run ({@link CairnPlugin#runListeners()}) without the run asking for them.
 */
class PluginStackTablesAndListenersTest {
    @TempDir
    Path home;

    public static final class Steps {
        @Step
        public static int one() {
            return 1;
        }
    }

    /** Reads {@code [probe]}: only the key {@code level} (an integer); records what it got and the listeners it gave. */
    static final class ProbePlugin implements CairnPlugin {
        final List<Map<String, Object>> configured = Collections.synchronizedList(new ArrayList<>());
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger listenersGiven = new AtomicInteger();

        @Override
        public Optional<String> stackSection() {
            return Optional.of("probe");
        }

        @Override
        public void configure(Map<String, Object> section) {
            for (String key : section.keySet()) {
                if (!key.equals("level") && !key.equals("nested")) {
                    throw new CairnException(ErrorCode.CONFIGURATION, "unknown key '" + key + "'; the keys are [level, nested]");
                }
            }
            configured.add(section);
        }

        @Override
        public List<RunListener> runListeners() {
            int run = listenersGiven.incrementAndGet();
            return List.of(new RunListener() {
                @Override
                public void runStarted(String pipelineName, UUID runId, int stepCount) {
                    events.add(run + ":runStarted:" + pipelineName);
                }

                @Override
                public void stepStarted(String stepName) {
                    events.add(run + ":stepStarted:" + stepName);
                }

                @Override
                public void runFinished(PipelineRun finished) {
                    events.add(run + ":runFinished:" + finished.status());
                }
            });
        }
    }

    @Test
    void aPluginReceivesItsTableOfTheStackFileWithTomlTypes() throws Exception {
        Files.writeString(home.resolve("cairn.toml"), """
                store = "%s"

                [probe]
                level = 3

                [probe.nested]
                "a.b" = "x"
                flag = true
                """.formatted(home.resolve("elsewhere").toUri()));
        ProbePlugin plugin = new ProbePlugin();
        try (Cairn cairn = Cairn.builder().home(home).plugin(plugin).build()) {
            assertThat(plugin.configured).containsExactly(Map.of("level", 3L, "nested", Map.of("a.b", "x", "flag", true)));
        }

        Files.writeString(home.resolve("cairn.toml"), "metadata = \"sqlite:m.db\"\n");
        ProbePlugin withoutTable = new ProbePlugin();
        try (Cairn cairn = Cairn.builder().home(home).plugin(withoutTable).build()) {
            assertThat(withoutTable.configured).as("configured with an empty table").containsExactly(Map.of());
        }
    }

    @Test
    void aKeyThePluginRefusesIsAConfigurationErrorNamingFileTableAndKey() throws Exception {
        Path file = home.resolve("cairn.toml");
        Files.writeString(file, "[probe]\nlevl = 3\n");
        assertThatThrownBy(() -> Cairn.builder().home(home).plugin(new ProbePlugin()).build()).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
            assertThat(e.getMessage()).contains(file.toString(), "table [probe]", "'levl'");
        });
    }

    /**
     * A table no plugin on the class path reads is returned (the engine logs a warning) rather than refused: a stack file
     * shared by a Spark application and the CLI holds {@code [spark]}, and the CLI without Spark must still open.
     */
    @Test
    void aTableNoPluginReadsIsReportedAndDoesNotStopTheEngine() throws Exception {
        Files.writeString(home.resolve("cairn.toml"), "[prbe]\nlevel = 3\n[probe]\nlevel = 4\n");
        ProbePlugin plugin = new ProbePlugin();
        Plugins plugins = Plugins.discover(getClass().getClassLoader(), List.of(plugin));
        List<StackSettings.Section> unread = plugins.configure(StackSettings.resolve(Cairn.builder().home(home).configuration(), Map.of()));
        assertThat(unread).extracting(StackSettings.Section::name).containsExactly("prbe");
        assertThat(plugin.configured).containsExactly(Map.of("level", 4L));
        try (Cairn cairn = Cairn.builder().home(home).build()) { // no plugin reads either table here
            assertThat(cairn.client().listRuns()).isEmpty();
        }
    }

    @Test
    void everyRunGetsFreshListenersOfThePluginsWithoutAskingForThem() {
        ProbePlugin plugin = new ProbePlugin();
        try (Cairn cairn = Cairn.builder().home(home).plugin(plugin).build()) {
            assertThat(cairn.run(Pipeline.define("first", p -> p.call(Steps::one))).status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(cairn.run(Pipeline.define("second", p -> p.call(Steps::one))).status()).isEqualTo(RunStatus.COMPLETED);
        }
        assertThat(plugin.listenersGiven).hasValue(2);
        assertThat(plugin.events).containsSubsequence("1:runStarted:first", "1:stepStarted:one", "1:runFinished:COMPLETED",
                "2:runStarted:second", "2:runFinished:COMPLETED");
    }
}
