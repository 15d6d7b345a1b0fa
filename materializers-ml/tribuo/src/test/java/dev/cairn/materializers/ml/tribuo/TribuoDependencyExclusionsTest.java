package dev.cairn.materializers.ml.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * DEPENDENCIES.md: Tribuo comes without {@code org.jline:*} and {@code org.fusesource.jansi:jansi}, which OLCUT's
 * shell pulls in (olcut-core depends on jline-terminal, jline-reader, jline-builtins and jline-terminal-jansi) and which
 * clash with other users of jline. The root pom excludes them from tribuo-core and tribuo-classification-sgd; this
 * fails if they come back on this module's classpath (runtime and test), e.g. through a new Tribuo artifact without
 * the exclusions.
 */
class TribuoDependencyExclusionsTest {
    @Test
    void jlineAndJansiAreNotOnTheClasspathWhileTribuoAndOlcutAre() throws Exception {
        ClassLoader loader = getClass().getClassLoader();
        // the jars that would bring them are here
        assertThat(Class.forName("org.tribuo.Model", false, loader)).isNotNull();
        assertThat(Class.forName("org.tribuo.classification.sgd.linear.LogisticRegressionTrainer", false, loader)).isNotNull();
        assertThat(Class.forName("com.oracle.labs.mlrg.olcut.config.ConfigurationManager", false, loader)).isNotNull();
        for (String excluded : List.of(
                "org.jline.terminal.Terminal", // jline-terminal
                "org.jline.reader.LineReader", // jline-reader
                "org.jline.builtins.Completers", // jline-builtins
                "org.jline.terminal.impl.jansi.JansiTerminalProvider", // jline-terminal-jansi
                "org.fusesource.jansi.AnsiConsole")) { // jansi
            assertThatThrownBy(() -> Class.forName(excluded, false, loader))
                    .as("%s must not be on the classpath (DEPENDENCIES.md excludes org.jline:* and jansi from Tribuo)", excluded)
                    .isInstanceOf(ClassNotFoundException.class);
        }
    }
}
