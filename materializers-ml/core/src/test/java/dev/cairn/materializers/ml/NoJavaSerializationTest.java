package dev.cairn.materializers.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every model and tensor format of materializers-ml is one another tool reads: no jar of this folder may reach for
 * Java serialization (a model loaded with {@code ObjectInputStream} runs whatever code its bytes name, the pickle
 * problem of ZenML and MLflow). Checks the sources of all the folder's jars (the tests run in {@code core}).
 */
class NoJavaSerializationTest {
    private static final Pattern FORBIDDEN = Pattern.compile("ObjectInputStream|ObjectOutputStream|\\breadObject\\s*\\(|\\bwriteObject\\s*\\("
            + "|deserializeFromJavaSerialization|SerializationUtils|\\bpickle\\b");

    @Test
    void noMaterializerSourceUsesJavaSerializationOrPickle() throws IOException {
        Path folder = Path.of("..").toAbsolutePath().normalize();
        List<Path> sources = new ArrayList<>();
        for (String module : List.of("core", "onnx", "xgboost", "lightgbm", "tribuo")) {
            Path main = folder.resolve(module).resolve("src/main/java");
            assertThat(main).as("the sources of materializers-ml/%s", module).isDirectory();
            try (Stream<Path> walk = Files.walk(main)) {
                walk.filter(path -> path.toString().endsWith(".java")).forEach(sources::add);
            }
        }
        assertThat(sources).hasSizeGreaterThan(20);
        List<String> offenders = new ArrayList<>();
        for (Path source : sources) {
            List<String> lines = Files.readAllLines(source);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                boolean comment = line.startsWith("*") || line.startsWith("//") || line.startsWith("/*");
                if (!comment && FORBIDDEN.matcher(line).find()) {
                    offenders.add(folder.relativize(source) + ":" + (i + 1) + ": " + line);
                }
            }
        }
        assertThat(offenders).as("Java serialization or pickle in materializers-ml").isEmpty();
        assertThat(FORBIDDEN.matcher("return (Model<?>) new java.io.ObjectInputStream(in).readObject();").find()).as("the check itself").isTrue();
    }
}
