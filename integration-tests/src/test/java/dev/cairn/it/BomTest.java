package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The BOM manages every published module at the project's version, with no scope; the children of a parent
 * module (materializers-ml/core) are cairn-&lt;parent&gt;-&lt;child&gt;. (This module itself consumes the BOM: its cairn
 * dependencies carry no versions of their own.)
 */
class BomTest {
    private static final List<String> UNPUBLISHED = List.of("bom", "integration-tests", "examples", "examples/spark", "benchmarks", "benchmarks/spark");

    @Test
    void bomManagesEveryPublishedModuleAtTheProjectVersion() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String parent = Files.readString(root.resolve("pom.xml"));
        String bom = Files.readString(root.resolve("bom/pom.xml"));
        String version = first(Pattern.compile("<artifactId>cairn-parent</artifactId>\\s*<version>([^<]+)</version>"), parent);
        List<String> modules = new ArrayList<>();
        Matcher module = Pattern.compile("^\\s*<module>([^<]+)</module>", Pattern.MULTILINE).matcher(parent);
        while (module.find()) {
            modules.add(module.group(1));
        }
        assertThat(modules).contains("core-api", "core-engine", "stores-local", "cli");
        for (String name : new ArrayList<>(modules)) {
            // A parent of several jars (materializers-ml/) publishes its children, cairn-<parent>-<child>, not itself.
            String child = Files.readString(root.resolve(name).resolve("pom.xml"));
            if (child.contains("<packaging>pom</packaging>") && !UNPUBLISHED.contains(name)) {
                Matcher nested = Pattern.compile("^\\s*<module>([^<]+)</module>", Pattern.MULTILINE).matcher(child);
                while (nested.find()) {
                    modules.add(name + "-" + nested.group(1));
                }
                modules.remove(name);
            }
        }
        assertThat(modules).contains("materializers-ml-core", "materializers-ml-onnx");
        for (String name : modules) {
            if (UNPUBLISHED.contains(name)) {
                continue;
            }
            assertThat(bom).as("BOM entry for " + name)
                    .containsPattern("<artifactId>cairn-" + Pattern.quote(name) + "</artifactId>\\s*<version>" + Pattern.quote(version) + "</version>");
        }
        assertThat(bom).doesNotContain("<scope>");
        assertThat(first(Pattern.compile("<artifactId>cairn-bom</artifactId>\\s*<version>([^<]+)</version>"), bom)).isEqualTo(version);
    }

    private static String first(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as(pattern.pattern()).isTrue();
        return matcher.group(1);
    }
}
