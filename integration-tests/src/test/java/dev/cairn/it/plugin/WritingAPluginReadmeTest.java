package dev.cairn.it.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * README's "Writing a plugin" shows the example plugin's files verbatim: each code block after a
 * {@code <!-- source: path -->} marker must equal that file, so the README cannot drift from the code the contract
 * kits check. The store and the materializer stay under 150 lines each.
 */
class WritingAPluginReadmeTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern SNIPPET = Pattern.compile("<!-- source: (\\S+) -->\\n```[a-z]*\\n(.*?)```", Pattern.DOTALL);

    @Test
    void theReadmeShowsTheExamplePluginsFilesVerbatim() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertThat(readme).contains("## Writing a plugin");
        Map<String, String> snippets = new LinkedHashMap<>();
        Matcher matcher = SNIPPET.matcher(readme);
        while (matcher.find()) {
            snippets.put(matcher.group(1), matcher.group(2));
        }
        String base = "integration-tests/src/main/";
        assertThat(snippets.keySet()).containsExactly(
                base + "java/com/example/cairnplugin/DirectoryStore.java",
                base + "java/com/example/cairnplugin/PropertiesMaterializer.java",
                base + "java/com/example/cairnplugin/ExamplePlugin.java",
                base + "resources/META-INF/services/dev.cairn.api.spi.CairnPlugin");
        for (Map.Entry<String, String> snippet : snippets.entrySet()) {
            assertThat(snippet.getValue()).as("README block for %s", snippet.getKey())
                    .isEqualTo(Files.readString(ROOT.resolve(snippet.getKey())));
        }
    }

    @Test
    void theStoreAndTheMaterializerAreUnder150LinesEach() throws IOException {
        Path sources = ROOT.resolve("integration-tests/src/main/java/com/example/cairnplugin");
        assertThat(Files.readAllLines(sources.resolve("DirectoryStore.java"))).hasSizeLessThan(150);
        assertThat(Files.readAllLines(sources.resolve("PropertiesMaterializer.java"))).hasSizeLessThan(150);
    }
}
