package dev.cairn.engine.files;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every temporary file or folder one engine makes, each with an owner and a lifetime.
 *
 * <p><b>Layout.</b> Under the temp root, an engine holds {@code <id>.lock} (locked with a {@link FileLock} for as long
 * as the engine is open) and works in {@code <id>/}, where {@code <id>} is {@code <pid>-<JVM start millis>-<random>}.
 * The lock file is created and locked before the folder, so a folder without a held lock belongs to a process that
 * died. Opening sweeps such folders: for each foreign id (another JVM) whose lock can be taken, the folder and the lock
 * file are deleted; a folder of this same JVM is never touched (file locks are per process, so this JVM's own locks
 * cannot be tested; its engines delete their own folders when they close).
 *
 * <p><b>Owners.</b> A {@link Scope} owns the folders made for it and deletes them when it closes: a step's scope ends
 * with the step; the engine's own scope, which holds what user code loaded outside steps and did not release, ends
 * with the engine. {@link #close()} deletes everything left and releases the lock. Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class TemporaryFiles implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TemporaryFiles.class);
    private static final String LOCK_SUFFIX = ".lock";
    /** What identifies this JVM in the ids of its engines' folders: its pid and start time. */
    private static final String THIS_JVM = jvmToken();

    private final Path root;
    private final Path directory;
    private final Path lockFile;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Scope engineScope;
    private final Set<Scope> scopes = new LinkedHashSet<>();
    private final AtomicInteger counter = new AtomicInteger();
    private final int swept;
    private boolean closed;

    private TemporaryFiles(Path root, Path directory, Path lockFile, FileChannel lockChannel, FileLock lock, int swept) {
        this.root = root;
        this.directory = directory;
        this.lockFile = lockFile;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.swept = swept;
        this.engineScope = new Scope("the engine");
        scopes.add(engineScope);
    }

    /**
     * Creates {@code root} if needed, sweeps the folders that dead processes left there, and claims a folder of this
     * engine's own.
     *
     * @throws CairnException {@code CONFIGURATION} when the root cannot be created or written
     */
    public static TemporaryFiles open(Path root) {
        requireNonNull(root, "root is null");
        Path normalised = root.toAbsolutePath().normalize();
        String id = THIS_JVM + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path lockFile = normalised.resolve(id + LOCK_SUFFIX);
        FileChannel channel = null;
        try {
            Files.createDirectories(normalised);
            int swept = sweep(normalised);
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            FileLock lock = channel.lock();
            Path directory = Files.createDirectory(normalised.resolve(id));
            return new TemporaryFiles(normalised, directory, lockFile, channel, lock, swept);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                    Files.deleteIfExists(lockFile);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new CairnException(ErrorCode.CONFIGURATION, "Cannot use the temp root " + normalised + " for Cairn's temporary files: " + e
                    + ". Make it writable, or choose another with CairnConfiguration.builder().tempRoot(...)", e);
        }
    }

    /** Deletes the folders of processes that died; returns how many. */
    private static int sweep(Path root) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(root)) {
            stream.forEach(entries::add);
        }
        int swept = 0;
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            String id = name.endsWith(LOCK_SUFFIX) ? name.substring(0, name.length() - LOCK_SUFFIX.length()) : name;
            if (id.startsWith(THIS_JVM + "-") || !isEngineId(id)) {
                continue;
            }
            Path lockFile = root.resolve(id + LOCK_SUFFIX);
            Path folder = root.resolve(id);
            if (name.endsWith(LOCK_SUFFIX)) {
                if (takeDeadLock(lockFile, folder)) {
                    swept++;
                }
            } else if (Files.isDirectory(folder) && !Files.exists(lockFile)) {
                // The owner locks its lock file before it creates the folder: no lock file, no living owner.
                delete(folder);
                LOG.info("Deleted {}, temporary files of a Cairn engine that is gone", folder);
                swept++;
            }
        }
        return swept;
    }

    /** Deletes {@code folder} and {@code lockFile} if no living process holds the lock; true if it did. */
    private static boolean takeDeadLock(Path lockFile, Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return false;
            }
            if (lock == null) {
                return false; // its engine is alive
            }
            try {
                delete(folder);
                Files.deleteIfExists(lockFile);
            } finally {
                lock.release();
            }
            LOG.info("Deleted {}, temporary files left by a Cairn process that died", folder);
            return true;
        } catch (NoSuchFileException e) {
            return false; // another engine swept it meanwhile
        }
    }

    private static boolean isEngineId(String id) {
        return id.matches("\\d+-\\d+-[0-9a-f]{8}");
    }

    private static String jvmToken() {
        ProcessHandle self = ProcessHandle.current();
        long started = self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
        return self.pid() + "-" + started;
    }

    /** The temp root shared by the engines that use it. */
    public Path root() {
        return root;
    }

    /** This engine's own folder under the root. */
    public Path directory() {
        return directory;
    }

    /** How many folders of dead processes were deleted when this engine opened. */
    public int sweptAtOpen() {
        return swept;
    }

    /** The scope of what user code loads outside steps: deleted when the engine closes, unless released sooner. */
    public Scope engineScope() {
        return engineScope;
    }

    /** A new scope for {@code owner} (e.g. "step 'train' of run …"), whose folders are deleted when it closes. */
    public Scope newScope(String owner) {
        requireNonNull(owner, "owner is null");
        synchronized (scopes) {
            checkOpen(owner);
            Scope scope = new Scope(owner);
            scopes.add(scope);
            return scope;
        }
    }

    private void checkOpen(String what) {
        if (closed) {
            throw new CairnException(ErrorCode.ENGINE_CLOSED, "Cannot make temporary files for " + what + ": the engine is closed");
        }
    }

    /** The number of folders currently held by all scopes (for tests and the soak benchmark). */
    public int liveFolders() {
        synchronized (scopes) {
            return scopes.stream().mapToInt(Scope::size).sum();
        }
    }

    /** Deletes everything this engine still holds, then its folder, and releases its lock; idempotent. */
    @Override
    public void close() {
        List<Scope> open;
        synchronized (scopes) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(scopes);
        }
        for (Scope scope : open) {
            scope.close();
        }
        try {
            delete(directory);
        } catch (IOException e) {
            LOG.warn("Could not delete Cairn's temporary folder {}: {}; the next engine opened on {} deletes it", directory, e, root);
        }
        try {
            lock.release();
            lockChannel.close();
            Files.deleteIfExists(lockFile);
        } catch (IOException e) {
            LOG.warn("Could not release the temporary-files lock {}: {}", lockFile, e.toString());
        }
    }

    /** Deletes a file or folder tree; nothing if it does not exist. */
    static void delete(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                dir.toFile().setWritable(true, true); // a step may have made a folder read-only
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** An owner of temporary folders: they are deleted when it closes. Thread-safe. */
    public final class Scope implements AutoCloseable {
        private final String owner;
        private final Set<Path> folders = new LinkedHashSet<>();
        private boolean scopeClosed;

        private Scope(String owner) {
            this.owner = owner;
        }

        /** Creates a new empty folder owned by this scope; {@code label} goes into its name. */
        public Path newFolder(String label) {
            requireNonNull(label, "label is null");
            synchronized (this) {
                if (scopeClosed) {
                    throw new CairnException(ErrorCode.ENGINE_CLOSED, "Cannot make a temporary folder for " + owner + ": it has ended");
                }
                checkOpen(owner);
                String safe = label.replaceAll("[^A-Za-z0-9._-]", "_");
                Path folder = directory.resolve(safe.substring(0, Math.min(safe.length(), 60)) + "-" + counter.incrementAndGet());
                try {
                    Files.createDirectory(folder);
                } catch (IOException e) {
                    throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot create a temporary folder in " + directory + " for " + owner + ": " + e, e);
                }
                folders.add(folder);
                return folder;
            }
        }

        /** Deletes {@code folder} now (a released handle); nothing if this scope does not hold it. */
        public void release(Path folder) {
            boolean held;
            synchronized (this) {
                held = folders.remove(folder);
            }
            if (held) {
                deleteLogged(folder);
            }
        }

        synchronized int size() {
            return folders.size();
        }

        /** Deletes every folder of this scope; idempotent. */
        @Override
        public void close() {
            List<Path> held;
            synchronized (this) {
                if (scopeClosed) {
                    return;
                }
                scopeClosed = true;
                held = new ArrayList<>(folders);
                folders.clear();
            }
            for (Path folder : held) {
                deleteLogged(folder);
            }
            if (this != engineScope) {
                synchronized (scopes) {
                    scopes.remove(this);
                }
            }
        }

        private void deleteLogged(Path folder) {
            try {
                delete(folder);
            } catch (IOException e) {
                LOG.warn("Could not delete the temporary folder {} of {}: {}; the engine retries when it closes", folder, owner, e.toString());
            }
        }

        @Override
        public String toString() {
            return "Scope[" + owner + "]";
        }
    }
}
