package dev.cairn.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;

/**
 * The {@code [spark]} table of {@code cairn.toml} is read by {@link SparkPlugin} when an engine opens: its settings
 * become those {@link SparkSessions#current()} builds a session from (see {@link SparkSessionsConfigurationTest}, which
 * builds one in a child JVM); an unknown key or a bad value stops the engine from opening, naming the file and key.
 * No SparkSession is started here.
 */
class SparkStackTableTest {
    @TempDir
    Path home;

    @AfterEach
    void forgetTheStackTable() {
        SparkSessions.useStackSettings(SparkStackSettings.NONE);
    }

    @Test
    void theSparkTableOfTheStackFileConfiguresTheSessionsCairnBuilds() throws Exception {
        Files.writeString(home.resolve("cairn.toml"), """
                [spark]
                master = "local[2]"
                appName = "nightly-features"
                executorCheckMinBytes = 1073741824

                [spark.conf]
                "spark.sql.shuffle.partitions" = 8
                spark.ui.enabled = false
                "spark.sql.session.timeZone" = "UTC"
                """);
        try (Cairn cairn = Cairn.open(home)) {
            assertThat(SparkSessions.stackSettings()).isEqualTo(new SparkStackSettings(Optional.of("local[2]"), Optional.of("nightly-features"),
                    Map.of("spark.sql.shuffle.partitions", "8", "spark.ui.enabled", "false", "spark.sql.session.timeZone", "UTC"),
                    OptionalLong.of(1L << 30)));
        }
    }

    @Test
    void aTypoedKeyOrABadValueStopsTheEngineFromOpeningNamingTheFileAndKey() throws Exception {
        Path file = home.resolve("cairn.toml");
        Files.writeString(file, "[spark]\nmastr = \"local[2]\"\n");
        assertThatThrownBy(() -> Cairn.open(home)).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
            assertThat(e.getMessage()).contains(file.toString(), "table [spark]", "cairn-spark", "'mastr'", "[appName, conf, executorCheckMinBytes, master]");
        });

        Files.writeString(file, "[spark]\nmaster = \"lcoal[2]\"\n");
        assertThatThrownBy(() -> Cairn.open(home)).isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.getMessage())
                .contains(file.toString(), "master = \"lcoal[2]\" is not a Spark master URL", "local[*]"));

        Files.writeString(file, "[spark]\nappName = 7\n");
        assertThatThrownBy(() -> Cairn.open(home)).hasMessageContaining("appName must be a non-blank string");

        Files.writeString(file, "[spark]\nconf = \"spark.ui.enabled=false\"\n");
        assertThatThrownBy(() -> Cairn.open(home)).hasMessageContaining("conf must be a table of Spark settings");

        Files.writeString(file, "[spark]\nexecutorCheckMinBytes = \"1g\"\n");
        assertThatThrownBy(() -> Cairn.open(home)).hasMessageContaining(file.toString())
                .hasMessageContaining("executorCheckMinBytes must be a whole number of bytes (0 or more)");

        Files.writeString(file, "[spark]\nexecutorCheckMinBytes = -1\n");
        assertThatThrownBy(() -> Cairn.open(home)).hasMessageContaining("executorCheckMinBytes must be a whole number of bytes (0 or more)");

        Files.writeString(file, "[spark.conf]\n\"spark.jars\" = [\"a.jar\", \"b.jar\"]\n");
        assertThatThrownBy(() -> Cairn.open(home)).hasMessageContaining("conf.spark.jars must be a string, number or boolean");

        assertThat(SparkSessions.stackSettings()).as("nothing refused was kept").isEqualTo(SparkStackSettings.NONE);
    }
}
