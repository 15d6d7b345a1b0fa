package dev.cairn.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file system the executors' Parquet writers write through: it hashes each file as it is written, on a real local directory. */
class DigestingFileSystemTest {
    @TempDir
    java.nio.file.Path directory;

    @Test
    void aFileIsHashedWhileWrittenAndTheWrappedFileSystemDoesTheRest() throws Exception {
        Configuration configuration = DigestingFileSystem.install(
                ExecutorParquetWriter.withoutChecksumFiles(new Configuration()), directory.toUri());
        Path file = new Path(directory.toUri().resolve("sub/part.bin"));
        FileSystem fileSystem = file.getFileSystem(configuration);
        assertThat(fileSystem).isInstanceOf(DigestingFileSystem.class);
        assertThat(((DigestingFileSystem) fileSystem).getRawFileSystem()).isInstanceOf(RawLocalFileSystem.class);

        byte[] bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);
        try (FSDataOutputStream out = fileSystem.create(file, false)) {
            out.write(bytes, 0, 100_000);
            out.write(bytes[100_000]);
            out.write(bytes, 100_001, bytes.length - 100_001);
            assertThat(out.getPos()).isEqualTo(bytes.length);
        }

        ExecutorParquetWriter.SizeAndHash written = DigestingFileSystem.written(file);
        java.nio.file.Path onDisk = directory.resolve("sub/part.bin");
        assertThat(Files.readAllBytes(onDisk)).isEqualTo(bytes);
        assertThat(written.size()).isEqualTo(Files.size(onDisk));
        assertThat(written.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        try (var files = Files.list(directory.resolve("sub"))) { // the raw local file system: no checksum side file
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly("part.bin");
        }
        assertThat(fileSystem.getFileStatus(file).getLen()).isEqualTo(bytes.length);

        assertThatThrownBy(() -> DigestingFileSystem.written(file)).as("taken once")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(file.toString()).hasMessageContaining("not hashed while written");
    }

    @Test
    void theOriginalFileSystemSettingIsKeptForTheWrappedOne() throws Exception {
        Configuration configuration = new Configuration(); // file: left to Hadoop's default (checksummed) local file system
        configuration.setBoolean("fs.file.impl.disable.cache", true);
        Configuration installed = DigestingFileSystem.install(new Configuration(configuration), directory.toUri());
        assertThat(installed.get("fs.file.impl")).isEqualTo(DigestingFileSystem.class.getName());
        Path file = new Path(directory.toUri().resolve("checked.bin"));
        FileSystem fileSystem = file.getFileSystem(installed);
        assertThat(((DigestingFileSystem) fileSystem).getRawFileSystem()).isInstanceOf(org.apache.hadoop.fs.LocalFileSystem.class);
        try (FSDataOutputStream out = fileSystem.create(file, false)) {
            out.write(new byte[] {1, 2, 3});
        }
        assertThat(DigestingFileSystem.written(file).size()).isEqualTo(3);
        assertThat(directory.resolve(".checked.bin.crc")).exists();
    }
}
