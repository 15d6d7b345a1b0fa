package dev.cairn.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Options.ChecksumOpt;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.Syncable;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

import dev.cairn.api.spi.support.Sha256OutputStream;
import dev.cairn.materializers.arrow.parquet.CanonicalFooterStream;

/**
 * A Hadoop file system over the staging directory's own one that computes the SHA-256 and size of every file it
 * creates <em>while</em> the file is written: the executors' Parquet writers write through it, so a part is hashed in
 * the same pass that writes it instead of being read again once closed. Everything but file creation is the wrapped
 * file system's.
 *
 * <p>{@link #install} replaces {@code fs.<scheme>.impl} in the executors' copy of the Hadoop settings with this class
 * (uncached, so the wrapper is never shared with other code) and keeps the original setting for the wrapped file
 * system, which is obtained as usual ({@code FileSystem.get}, cached when it was). When a created file's stream is
 * closed, its size and SHA-256 are kept in this JVM until {@link #written} takes them; the task that wrote the file
 * closes it on its own thread and takes them right after.
 */
final class DigestingFileSystem extends FilterFileSystem {
    private static final String PREFIX = "cairn.spark.digesting.";
    private static final String SCHEME = PREFIX + "scheme";
    private static final String ORIGINAL_IMPL = PREFIX + "original.impl";
    private static final String ORIGINAL_DISABLE_CACHE = PREFIX + "original.disable.cache";
    /** Sizes and hashes of the files closed but not yet taken, by the path part of their URI. */
    private static final Map<String, ExecutorParquetWriter.SizeAndHash> WRITTEN = new ConcurrentHashMap<>();

    private boolean innerIsPrivate;

    /** For Hadoop's reflection. */
    public DigestingFileSystem() {}

    /**
     * Returns {@code configuration} (changed) so that files created under {@code directory}'s scheme are hashed while
     * written.
     */
    static Configuration install(Configuration configuration, URI directory) {
        String scheme = directory.getScheme();
        if (scheme == null) {
            throw new IllegalArgumentException("The staging directory " + directory + " has no scheme");
        }
        String impl = "fs." + scheme + ".impl";
        String disableCache = impl + ".disable.cache";
        configuration.set(SCHEME, scheme);
        keep(configuration, impl, ORIGINAL_IMPL);
        keep(configuration, disableCache, ORIGINAL_DISABLE_CACHE);
        configuration.set(impl, DigestingFileSystem.class.getName());
        configuration.setBoolean(disableCache, true);
        return configuration;
    }

    private static void keep(Configuration configuration, String key, String as) {
        String value = configuration.get(key);
        if (value == null) {
            configuration.unset(as);
        } else {
            configuration.set(as, value);
        }
    }

    private static void restore(Configuration configuration, String from, String key) {
        String value = configuration.get(from);
        if (value == null) {
            configuration.unset(key);
        } else {
            configuration.set(key, value);
        }
    }

    /**
     * The size and SHA-256 of {@code file}, written through this file system and closed in this JVM; removes them.
     *
     * @throws IllegalStateException when no such file was written and closed here
     */
    static ExecutorParquetWriter.SizeAndHash written(Path file) {
        ExecutorParquetWriter.SizeAndHash written = WRITTEN.remove(key(file));
        if (written == null) {
            throw new IllegalStateException("The Parquet part " + file + " was not hashed while written: Spark's Parquet writer did not create it"
                    + " through Cairn's digesting file system (fs." + file.toUri().getScheme() + ".impl)");
        }
        return written;
    }

    /** Forgets {@code file} (a failed attempt's). */
    static void forget(Path file) {
        WRITTEN.remove(key(file));
    }

    private static String key(Path file) {
        return file.toUri().getPath();
    }

    @Override
    public void initialize(URI name, Configuration configuration) throws IOException {
        String scheme = configuration.get(SCHEME, name.getScheme());
        Configuration original = new Configuration(configuration);
        String impl = "fs." + scheme + ".impl";
        restore(original, ORIGINAL_IMPL, impl);
        restore(original, ORIGINAL_DISABLE_CACHE, impl + ".disable.cache");
        if (DigestingFileSystem.class.getName().equals(original.get(impl))) {
            throw new IOException("Cairn's digesting file system for " + scheme + ": has no file system to wrap (" + impl + " names it)");
        }
        innerIsPrivate = original.getBoolean(impl + ".disable.cache", false);
        fs = FileSystem.get(name, original);
        super.initialize(name, configuration);
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication, long blockSize,
            Progressable progress) throws IOException {
        return digesting(f, fs.create(f, permission, overwrite, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, EnumSet<CreateFlag> flags, int bufferSize, short replication,
            long blockSize, Progressable progress, ChecksumOpt checksumOpt) throws IOException {
        return digesting(f, fs.create(f, permission, flags, bufferSize, replication, blockSize, progress, checksumOpt));
    }

    @Override
    public FSDataOutputStream createNonRecursive(Path f, FsPermission permission, EnumSet<CreateFlag> flags, int bufferSize, short replication,
            long blockSize, Progressable progress) throws IOException {
        return digesting(f, fs.createNonRecursive(f, permission, flags, bufferSize, replication, blockSize, progress));
    }

    private static FSDataOutputStream digesting(Path file, FSDataOutputStream out) {
        boolean parquet = file.getName().endsWith(".parquet");
        return new FSDataOutputStream(new DigestingStream(key(file), out, parquet), null); // the wrapped stream counts the bytes in Spark's metrics
    }

    /** Closes the wrapped file system only when it is this instance's own (uncached); a cached one is shared. */
    @Override
    public void close() throws IOException {
        if (innerIsPrivate && fs != null) {
            fs.close();
        }
    }

    /**
     * Hashes what passes through; on close records the size and hash under its file's key. A Parquet file's bytes first
     * pass a {@link CanonicalFooterStream}, so the bytes written and hashed do not depend on this executor's JVM (the
     * order of each column chunk's encodings list in the footer); it holds back the file's last megabyte until
     * close, which Spark's Parquet writer never {@code hflush}es before.
     */
    private static final class DigestingStream extends OutputStream implements Syncable, StreamCapabilities {
        private final String key;
        private final FSDataOutputStream out;
        private final Sha256OutputStream hashing;
        private final OutputStream sink;
        private boolean closed;

        DigestingStream(String key, FSDataOutputStream out, boolean parquet) {
            this.key = key;
            this.out = out;
            this.hashing = new Sha256OutputStream(out);
            this.sink = parquet ? new CanonicalFooterStream(hashing) : hashing;
        }

        @Override
        public void write(int b) throws IOException {
            sink.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            sink.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            sink.flush();
        }

        @Override
        public void hflush() throws IOException {
            sink.flush();
            out.hflush();
        }

        @Override
        public void hsync() throws IOException {
            sink.flush();
            out.hsync();
        }

        @Override
        public boolean hasCapability(String capability) {
            return out.hasCapability(capability);
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            sink.close(); // only a file closed without error is recorded
            WRITTEN.put(key, new ExecutorParquetWriter.SizeAndHash(hashing.size(), hashing.sha256()));
        }
    }
}
