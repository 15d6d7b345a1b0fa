package dev.cairn.engine.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The metadata layer can be lifted into a module of its own: {@code metadata.jdbc} and {@code metadata.sqlite} import
 * nothing from Guice or from other engine packages, and {@code metadata.jdbc} nothing from SQLite.
 */
class MetadataLayerDependenciesTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/cairn/engine/metadata");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)\\.[\\w*]+;", Pattern.MULTILINE);

    private static List<String> importsOf(String packageDirectory) throws IOException {
        List<String> imports = new ArrayList<>();
        try (Stream<Path> files = Files.list(SOURCES.resolve(packageDirectory))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher matcher = IMPORT.matcher(Files.readString(file));
                while (matcher.find()) {
                    imports.add(file.getFileName() + ": " + matcher.group(1));
                }
            }
        }
        assertThat(imports).as("imports found in " + packageDirectory).isNotEmpty();
        return imports;
    }

    @Test
    void theJdbcLayerDependsOnCoreApiJdbcJacksonAndSlf4jOnly() throws IOException {
        assertThat(importsOf("jdbc")).allSatisfy(line -> assertThat(line.substring(line.indexOf(": ") + 2))
                .matches("java\\..*|dev\\.cairn\\.api(\\..*)?|dev\\.cairn\\.engine\\.metadata\\.jdbc.*|com\\.fasterxml\\.jackson\\..*"
                        + "|org\\.slf4j|org\\.apiguardian\\.api"));
    }

    @Test
    void theSqliteDialectDependsOnTheJdbcLayerAndTheDriverOnly() throws IOException {
        assertThat(importsOf("sqlite")).allSatisfy(line -> assertThat(line.substring(line.indexOf(": ") + 2))
                .matches("java\\..*|dev\\.cairn\\.api(\\..*)?|dev\\.cairn\\.engine\\.metadata\\.(jdbc|sqlite).*|org\\.sqlite"
                        + "|org\\.slf4j|org\\.apiguardian\\.api"));
    }
}
