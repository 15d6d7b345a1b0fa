package dev.cairn.engine.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactFile;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.SaveOptions;
import dev.cairn.api.artifact.TypeRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportImportTest {
    public record Row(int id, String label) {}

    @TempDir
    Path home;

    @TempDir
    Path outside;

    @Test
    void exportThenImportGivesAVersionWithTheSameContentHashThatLoadsAsTheOriginal() throws Exception {
        try (Cairn cairn = Cairn.open(home)) {
            List<Row> rows = List.of(new Row(1, "a"), new Row(2, "b"));
            ArtifactVersion original = cairn.client().save(rows, SaveOptions.named("rows").withType(new TypeRef<List<Row>>() {}));
            Path exported = outside.resolve("rows-export");

            Path written = cairn.client().exportVersion("rows", original.version(), exported);

            assertThat(written).isEqualTo(exported.toAbsolutePath());
            assertThat(exported.resolve(".cairn/manifest.json")).isRegularFile();
            for (ArtifactFile file : original.files()) {
                assertThat(exported.resolve(file.path())).hasSize(file.size());
            }
            assertThat(siblingsOf(exported)).containsExactly("rows-export"); // no staging directory left

            ArtifactVersion imported = cairn.client().importVersion(exported, SaveOptions.named("rows-copy").withTags("imported").withVersion("v1"));

            assertThat(imported.name()).isEqualTo("rows-copy");
            assertThat(imported.version()).isEqualTo("v1");
            assertThat(imported.tags()).containsExactly("imported");
            assertThat(imported.contentHash()).isEqualTo(original.contentHash());
            assertThat(imported.dataType()).isEqualTo(original.dataType());
            assertThat(imported.metadata()).isEqualTo(original.metadata());
            assertThat(imported.load(new TypeRef<List<Row>>() {})).isEqualTo(rows);
            assertThat(imported.files()).isEqualTo(original.files());
        }
    }

    @Test
    void importIntoTheSameNameContinuesTheNumbering() throws Exception {
        try (Cairn cairn = Cairn.open(home)) {
            cairn.client().save("first", "notes");
            Path exported = cairn.client().exportVersion("notes", "1", outside.resolve("notes"));

            ArtifactVersion imported = cairn.client().importVersion(exported, SaveOptions.named("notes"));

            assertThat(imported.version()).isEqualTo("2");
            assertThat(cairn.client().<String>load("notes")).isEqualTo("first");
            assertThatThrownBy(() -> cairn.client().importVersion(exported, SaveOptions.named("notes").withVersion("2")))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DUPLICATE_VERSION));
        }
    }

    @Test
    void aCorruptedSourceFailsNamingTheFileAndLeavesNoPartialExport() throws Exception {
        try (Cairn cairn = Cairn.open(home)) {
            ArtifactVersion version = cairn.client().save(Map.of("alpha", 1, "beta", 2),
                    SaveOptions.named("config").withType(new TypeRef<Map<String, Integer>>() {}));
            ArtifactFile file = version.files().get(0);
            Path stored = Path.of(version.uri()).resolve(file.path());
            byte[] bytes = Files.readAllBytes(stored);
            bytes[0] ^= 0x20; // same size, different content
            Files.write(stored, bytes);
            Path target = outside.resolve("config-export");

            assertThatThrownBy(() -> cairn.client().exportVersion("config", version.version(), target))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                    .hasMessageContaining(file.path())
                    .hasMessageContaining("config");

            assertThat(target).doesNotExist();
            assertThat(siblingsOf(target)).isEmpty();
        }
    }

    @Test
    void exportRefusesADirectoryThatHoldsFiles() throws Exception {
        try (Cairn cairn = Cairn.open(home)) {
            cairn.client().save("x", "letter");
            Path target = Files.createDirectories(outside.resolve("busy"));
            Files.writeString(target.resolve("keep.txt"), "mine");

            assertThatThrownBy(() -> cairn.client().exportVersion("letter", "1", target))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                    .hasMessageContaining(target.toString());
            assertThat(target.resolve("keep.txt")).hasContent("mine");
        }
    }

    @Test
    void anExportChangedAfterwardsIsRefusedNamingTheFile() throws Exception {
        try (Cairn cairn = Cairn.open(home)) {
            ArtifactVersion version = cairn.client().save("hello", "greeting");
            Path exported = cairn.client().exportVersion("greeting", "1", outside.resolve("greeting"));
            String path = version.files().get(0).path();
            Files.writeString(exported.resolve(path), "\"tampered\"");

            assertThatThrownBy(() -> cairn.client().importVersion(exported, SaveOptions.named("greeting")))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                    .hasMessageContaining(path);
            Files.writeString(exported.resolve("extra.txt"), "not listed");
            assertThatThrownBy(() -> cairn.client().importVersion(exported, SaveOptions.named("greeting")))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                    .hasMessageContaining("extra.txt");
            assertThat(cairn.client().listArtifactVersions("greeting")).hasSize(1);
        }
    }

    @Test
    void aPlainFolderIsStoredAsFilesReadableWithoutAMaterializer() throws Exception {
        Path folder = Files.createDirectories(outside.resolve("plain/nested"));
        Files.writeString(folder.resolve("a.txt"), "alpha");
        Files.writeString(folder.getParent().resolve("b.csv"), "x,y\n1,2\n");
        try (Cairn cairn = Cairn.open(home)) {
            ArtifactVersion imported = cairn.client().importVersion(folder.getParent(), SaveOptions.named("plain"));

            assertThat(imported.files()).extracting(ArtifactFile::path).containsExactly("b.csv", "nested/a.txt");
            try (var in = imported.open("nested/a.txt")) {
                assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("alpha");
            }
            assertThatThrownBy(imported::load)
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NO_MATERIALIZER))
                    .hasMessageContaining("files()");

            Path again = cairn.client().exportVersion(imported.id(), outside.resolve("plain-again"));
            assertThat(again.resolve("nested/a.txt")).hasContent("alpha");
            assertThat(cairn.client().importVersion(again, SaveOptions.named("plain")).contentHash()).isEqualTo(imported.contentHash());
        }
    }

    @Test
    void importRefusesAMissingOrEmptyFolder() throws Exception {
        try (Cairn cairn = Cairn.open(home)) {
            assertThatThrownBy(() -> cairn.client().importVersion(outside.resolve("absent"), SaveOptions.named("x")))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
            Path empty = Files.createDirectories(outside.resolve("empty"));
            assertThatThrownBy(() -> cairn.client().importVersion(empty, SaveOptions.named("x")))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                    .hasMessageContaining("no files");
            assertThat(cairn.client().listArtifactNames()).doesNotContain("x");
        }
    }

    private static List<String> siblingsOf(Path target) throws Exception {
        try (Stream<Path> entries = Files.list(target.toAbsolutePath().getParent())) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
