package dev.cairn.engine.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporaryFilesTest {
    @TempDir
    Path root;

    @Test
    void aScopeDeletesItsFoldersWhenItEndsAndCloseDeletesEverything() throws IOException {
        TemporaryFiles files = TemporaryFiles.open(root);
        TemporaryFiles.Scope step = files.newScope("step 'a'");
        Path stepFolder = step.newFolder("input");
        Files.writeString(stepFolder.resolve("x.bin"), "x");
        Path engineFolder = files.engineScope().newFolder("loaded");
        Files.createDirectories(engineFolder.resolve("deep/er"));
        Path released = files.engineScope().newFolder("released");
        assertThat(files.liveFolders()).isEqualTo(3);

        step.close();
        files.engineScope().release(released);

        assertThat(stepFolder).doesNotExist();
        assertThat(released).doesNotExist();
        assertThat(engineFolder).isDirectory();
        assertThat(files.liveFolders()).isEqualTo(1);
        files.close();
        files.close();
        assertThat(engineFolder).doesNotExist();
        assertThat(entries(root)).isEmpty();
        assertThatThrownBy(() -> files.newScope("late")).isInstanceOf(CairnException.class)
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.ENGINE_CLOSED);
    }

    @Test
    void openingSweepsWhatDeadProcessesLeftButNotLiveEnginesOfThisJvm() throws IOException {
        // a process that died after locking: its lock file is there but no process holds the lock
        Path deadFolder = Files.createDirectories(root.resolve("999999-1700000000000-0badf00d/model-1/data"));
        Files.writeString(deadFolder.resolve("weights.bin"), "w");
        Files.createFile(root.resolve("999999-1700000000000-0badf00d.lock"));
        // a process that died before it created its lock file
        Files.createDirectories(root.resolve("999998-1700000000000-0badcafe/x-2"));
        // something that is not Cairn's
        Files.createDirectories(root.resolve("somebody-else"));
        TemporaryFiles alive = TemporaryFiles.open(root);

        TemporaryFiles second = TemporaryFiles.open(root);

        assertThat(alive.sweptAtOpen()).isEqualTo(2);
        assertThat(second.sweptAtOpen()).isZero();
        assertThat(root.resolve("999999-1700000000000-0badf00d")).doesNotExist();
        assertThat(root.resolve("999999-1700000000000-0badf00d.lock")).doesNotExist();
        assertThat(root.resolve("999998-1700000000000-0badcafe")).doesNotExist();
        assertThat(root.resolve("somebody-else")).isDirectory();
        assertThat(alive.directory()).isDirectory();
        second.close();
        alive.close();
        assertThat(entries(root)).containsExactly(root.resolve("somebody-else"));
    }

    private static java.util.List<Path> entries(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.toList();
        }
    }
}
