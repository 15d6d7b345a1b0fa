package dev.cairn.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.ArtifactStore;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * The behaviour every {@link ArtifactStore} must have. A store's module extends this class, implements
 * {@link #createStore(String)} and overrides the hooks its store supports; it needs JUnit 5 and AssertJ on its test
 * class path. The suite speaks only through the SPI, {@link URI}s and streams, never {@code java.nio.file}, so stores
 * on any file system can run it.
 *
 * <p>Each test gets a new, empty store from {@link #createStore(String)} and closes it afterwards.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public abstract class ArtifactStoreContract {
    private @Nullable ArtifactStore store;

    /**
     * Creates a new, empty store with a root of its own. Called once before every test, with the test's method
     * name (unique within this suite, but not across store modules).
     */
    protected abstract ArtifactStore createStore(String testName) throws Exception;

    /**
     * Creates, inside {@code store}, a symbolic link at {@code linkRelativePath} that points to an existing
     * directory outside the store holding a file {@code secret.txt}. Returns {@code false} when the store has no
     * symbolic links, which is the default and skips the tests that need one.
     */
    protected boolean createLinkToOutsideDirectory(ArtifactStore store, String linkRelativePath) throws Exception {
        return false;
    }

    /**
     * A URI outside the store whose text starts with the text of the root without its trailing {@code /}, as in
     * root {@code /x/store/} and URI {@code /x/store_evil/a.txt}: a store that compares string prefixes would let
     * it in.
     */
    protected URI siblingPrefixUri(ArtifactStore store) {
        String root = store().rootUri().toString();
        return URI.create(root.substring(0, root.length() - 1) + "_evil/a.txt");
    }

    /** A URI with the root's path but a scheme the store does not handle. */
    protected URI otherSchemeUri(ArtifactStore store) {
        String scheme = "http".equalsIgnoreCase(store().rootUri().getScheme()) ? "ftp" : "http";
        return URI.create(scheme + "://example.com" + store().rootUri().getRawPath() + "a.txt");
    }

    /**
     * The coarsest step of the store's modification times; the abandoned-draft test waits a little longer than
     * twice this plus half a second. Override for file systems with coarse times (e.g. one second).
     */
    protected Duration modificationTimeResolution() {
        return Duration.ofMillis(1);
    }

    /**
     * Writes {@code content} to {@code file} as an external writer would (a Spark executor through Hadoop's
     * {@code FileSystem}), for the {@link dev.cairn.api.spi.ExternalWrites} tests; parent directories are created. The
     * default handles {@code file:} URIs; a store with another scheme that offers external writes overrides it, and
     * otherwise those tests are skipped.
     */
    protected void writeExternally(URI file, byte[] content) throws Exception {
        assumeTrue("file".equals(file.getScheme()), "override writeExternally(URI, byte[]) to test ExternalWrites on " + file.getScheme() + ":");
        java.nio.file.Path path = java.nio.file.Path.of(file);
        java.nio.file.Files.createDirectories(path.getParent());
        java.nio.file.Files.write(path, content);
    }

    /** The store of the running test. */
    protected final ArtifactStore store() {
        return Objects.requireNonNull(store, "no store: called outside a test");
    }

    @BeforeEach
    final void openStore(TestInfo testInfo) throws Exception {
        store = createStore(testInfo.getTestMethod().map(Method::getName).orElse("store"));
        assertThat(store).as("createStore(...)").isNotNull();
    }

    @AfterEach
    final void closeStore() {
        if (store != null) {
            store().close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // URIs

    @Test
    void rootUriIsAnAbsoluteDirectoryUri() {
        URI root = store().rootUri();

        assertThat(root.isAbsolute()).isTrue();
        assertThat(root.toString()).endsWith("/");
        assertThat(store().checkInside(root)).isEqualTo(root);
        assertThat(store().exists(root)).isTrue();
    }

    @Test
    void resolveAppendsTheRelativePathToTheRoot() {
        URI uri = store().resolve("artifacts/model/1-abc/data.bin");

        assertThat(uri.toString()).isEqualTo(store().rootUri() + "artifacts/model/1-abc/data.bin");
        assertThat(store().checkInside(uri)).isEqualTo(uri);
    }

    @Test
    void checkInsideNormalisesTheUri() {
        URI messy = URI.create(store().rootUri() + "artifacts/./model/../other/data.bin");

        assertThat(store().checkInside(messy)).isEqualTo(store().resolve("artifacts/other/data.bin"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Drafts and commits

    @Test
    void draftIsInvisibleBeforeCommit() throws IOException {
        URI target = store().resolve("artifacts/model/1");
        try (ArtifactDraft draft = store().createDraft()) {
            write(draft, "data.bin", bytes(1000, 1));
            write(draft, "nested/more.bin", bytes(10, 2));

            assertThat(store().listFiles(store().rootUri())).isEmpty();
            assertThat(store().exists(target)).isFalse();

            assertThat(draft.commit("artifacts/model/1")).isEqualTo(target);
        }
        assertThat(store().exists(target)).isTrue();
        assertThat(store().listFiles(store().rootUri()))
                .containsExactly("artifacts/model/1/data.bin", "artifacts/model/1/nested/more.bin");
    }

    @Test
    void commitMakesEveryFileVisibleWithItsExactBytes() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("data.bin", bytes(300_000, 3));
        files.put("empty.bin", new byte[0]);
        files.put(".cairn/manifest.json", "{\"name\":\"model\"}".getBytes(UTF_8));
        files.put("nested/deeper/part-0001.bin", bytes(1, 4));

        URI artifact;
        try (ArtifactDraft draft = store().createDraft()) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                try (OutputStream out = draft.create(file.getKey())) {
                    writeInUnevenChunks(out, file.getValue());
                }
            }
            artifact = draft.commit("artifacts/model/1");
        }

        assertThat(artifact).isEqualTo(store().resolve("artifacts/model/1"));
        assertThat(store().listFiles(artifact))
                .containsExactly(".cairn/manifest.json", "data.bin", "empty.bin", "nested/deeper/part-0001.bin");
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            URI uri = store().resolve("artifacts/model/1/" + file.getKey());
            assertThat(read(uri)).as(file.getKey()).isEqualTo(file.getValue());
            assertThat(store().size(uri)).as(file.getKey()).isEqualTo(file.getValue().length);
        }
    }

    @Test
    void readersNeverSeeAPartialArtifact() throws Exception {
        int artifacts = 40;
        List<String> names = List.of("a.bin", "b.bin", "c/d.bin", "c/e.bin");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger complete = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            Future<?> reader = executor.submit(() -> {
                boolean lastPass = false;
                while (!lastPass) {
                    lastPass = !writing.get();
                    int seen = 0;
                    for (int i = 0; i < artifacts; i++) {
                        URI uri = store().resolve("artifacts/r/" + i);
                        if (store().exists(uri)) {
                            assertThat(store().listFiles(uri)).as("files of artifact %s", i).isEqualTo(names);
                            for (String name : names) {
                                assertThat(store().size(store().resolve("artifacts/r/" + i + "/" + name)))
                                        .as("size of %s in artifact %s", name, i).isEqualTo(4096);
                            }
                            seen++;
                        }
                    }
                    complete.set(seen);
                }
                return null;
            });
            Future<?> writer = executor.submit(() -> {
                try {
                    for (int i = 0; i < artifacts; i++) {
                        try (ArtifactDraft draft = store().createDraft()) {
                            for (String name : names) {
                                write(draft, name, bytes(4096, i));
                            }
                            draft.commit("artifacts/r/" + i);
                        }
                    }
                } finally {
                    writing.set(false);
                }
                return null;
            });
            writer.get(30, TimeUnit.SECONDS);
            reader.get(30, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
        assertThat(complete.get()).as("artifacts seen complete in the reader's last pass").isEqualTo(artifacts);
    }

    @Test
    void commitOntoAnExistingTargetFailsAndKeepsTheExistingArtifact() throws IOException {
        URI existing = commit("artifacts/model/1", Map.of("data.bin", bytes(100, 5)));

        try (ArtifactDraft draft = store().createDraft()) {
            write(draft, "data.bin", bytes(200, 6));
            write(draft, "extra.bin", bytes(10, 7));

            assertThatThrownBy(() -> draft.commit("artifacts/model/1"))
                    .isInstanceOfSatisfying(CairnException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
                        assertThat(e.getMessage()).contains(existing.toString());
                    });
        }

        assertThat(store().listFiles(existing)).containsExactly("data.bin");
        assertThat(read(store().resolve("artifacts/model/1/data.bin"))).isEqualTo(bytes(100, 5));
        assertThat(store().listFiles(store().rootUri())).containsExactly("artifacts/model/1/data.bin");
        assertThat(store().deleteAbandonedDrafts(Duration.ZERO)).as("drafts left behind").isZero();
    }

    @Test
    void commitOntoAnExistingEmptyArtifactFails() throws IOException {
        URI existing = commit("artifacts/empty/1", Map.of());
        assertThat(store().exists(existing)).isTrue();

        try (ArtifactDraft draft = store().createDraft()) {
            write(draft, "data.bin", bytes(10, 8));

            assertThatThrownBy(() -> draft.commit("artifacts/empty/1"))
                    .isInstanceOfSatisfying(CairnException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE));
        }
        assertThat(store().listFiles(existing)).isEmpty();
    }

    @Test
    void closingAnUncommittedDraftLeavesNothing() throws IOException {
        ArtifactDraft draft = store().createDraft();
        write(draft, "data.bin", bytes(5000, 9));
        write(draft, "nested/more.bin", bytes(50, 10));

        draft.close();
        assertThatCode(draft::close).as("second close").doesNotThrowAnyException();

        assertThat(store().listFiles(store().rootUri())).isEmpty();
        assertThat(store().deleteAbandonedDrafts(Duration.ZERO)).as("drafts left behind").isZero();
    }

    @Test
    void closingACommittedDraftKeepsTheArtifact() throws IOException {
        ArtifactDraft draft = store().createDraft();
        write(draft, "data.bin", bytes(10, 11));
        URI artifact = draft.commit("artifacts/model/1");

        draft.close();

        assertThat(store().listFiles(artifact)).containsExactly("data.bin");
        assertThat(store().deleteAbandonedDrafts(Duration.ZERO)).isZero();
        assertThat(store().listFiles(artifact)).containsExactly("data.bin");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Paths that escape the root

    @ParameterizedTest
    @ValueSource(strings = {"..", "../escape.bin", "artifacts/../../escape.bin", "a/b/../../../escape.bin",
            "/absolute/escape.bin"})
    void resolveRefusesPathsOutsideTheRoot(String path) {
        assertRefused(() -> store().resolve(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape.bin", "a/../../escape.bin", "../../../../escape.bin", "/absolute/escape.bin"})
    void draftRefusesFilesOutsideTheRoot(String path) throws IOException {
        try (ArtifactDraft draft = store().createDraft()) {
            assertRefused(() -> draft.create(path), path);

            write(draft, "data.bin", bytes(10, 12));
            draft.commit("artifacts/model/1");
        }
        assertThat(store().listFiles(store().rootUri())).containsExactly("artifacts/model/1/data.bin");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../escape", "artifacts/../../escape", "/absolute/escape"})
    void commitRefusesTargetsOutsideTheRoot(String target) throws IOException {
        try (ArtifactDraft draft = store().createDraft()) {
            write(draft, "data.bin", bytes(10, 13));

            assertRefused(() -> draft.commit(target), target);
        }
        assertThat(store().listFiles(store().rootUri())).isEmpty();
        assertThat(store().deleteAbandonedDrafts(Duration.ZERO)).as("drafts left behind").isZero();
    }

    @Test
    void everyMethodTakingAUriRefusesUrisOutsideTheRoot() {
        String root = store().rootUri().toString();
        List<URI> outside = List.of(
                URI.create(root + "../escape.txt"),
                URI.create(root + "artifacts/../../escape.txt"),
                URI.create(root + "%2E%2E/escape.txt"),
                siblingPrefixUri(store()),
                otherSchemeUri(store()));
        for (URI uri : outside) {
            Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
            calls.put("checkInside", () -> store().checkInside(uri));
            calls.put("exists", () -> store().exists(uri));
            calls.put("openRead", () -> store().openRead(uri).close());
            calls.put("openRandomAccess", () -> store().openRandomAccess(uri).close());
            calls.put("size", () -> store().size(uri));
            calls.put("listFiles", () -> store().listFiles(uri));
            calls.put("delete", () -> store().delete(uri));
            calls.forEach((method, call) -> assertRefused(call, uri.toString(), method + "(" + uri + ")"));
        }
    }

    @Test
    void symbolicLinksToOutsideTheRootAreRefused() throws Exception {
        assumeTrue(createLinkToOutsideDirectory(store(), "link"), "the store has no symbolic links");
        URI secret = URI.create(store().rootUri() + "link/secret.txt");

        assertRefused(() -> store().resolve("link/secret.txt"), "link/secret.txt");
        assertRefused(() -> store().resolve("link/new/file.bin"), "link/new/file.bin");
        assertRefused(() -> store().checkInside(secret), secret.toString());
        assertRefused(() -> store().openRead(secret).close(), secret.toString());
        assertRefused(() -> store().exists(secret), secret.toString());
        assertRefused(() -> store().listFiles(URI.create(store().rootUri() + "link")), "link");
        try (ArtifactDraft draft = store().createDraft()) {
            write(draft, "data.bin", bytes(10, 14));

            assertRefused(() -> draft.commit("link/artifact"), "link/artifact");
        }
        assertThat(store().listFiles(store().rootUri())).doesNotContain("link/secret.txt");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading

    @Test
    void randomAccessReadsAtAnyOffset() throws IOException {
        byte[] data = bytes(100_000, 15);
        commit("artifacts/model/1", Map.of("data.bin", data));

        try (SeekableByteChannel channel = store().openRandomAccess(store().resolve("artifacts/model/1/data.bin"))) {
            assertThat(channel.size()).isEqualTo(data.length);

            assertThat(readAt(channel, 12_345, 100)).isEqualTo(Arrays.copyOfRange(data, 12_345, 12_445));
            assertThat(readAt(channel, 0, 10)).isEqualTo(Arrays.copyOfRange(data, 0, 10));
            assertThat(readAt(channel, 99_990, 10)).isEqualTo(Arrays.copyOfRange(data, 99_990, 100_000));
            assertThat(channel.position()).isEqualTo(100_000);

            ByteBuffer atEnd = ByteBuffer.allocate(1);
            assertThat(channel.read(atEnd)).as("read at the end").isEqualTo(-1);
        }
    }

    @Test
    void aMissingFileIsANoSuchFileExceptionNamingTheUri() throws IOException {
        commit("artifacts/model/1", Map.of("data.bin", bytes(3, 40)));
        URI missing = store().resolve("artifacts/model/1/missing.bin");
        URI missingDirectory = store().resolve("artifacts/model/2");

        assertMissing(() -> store().openRead(missing).close(), missing);
        assertMissing(() -> store().openRandomAccess(missing).close(), missing);
        assertMissing(() -> store().size(missing), missing);
        assertMissing(() -> store().listFiles(missingDirectory), missingDirectory);
        assertMissing(() -> store().openRead(store().resolve("never/was/here.bin")).close(), store().resolve("never/was/here.bin"));
    }

    @Test
    void aFileDeletedAfterCommitIsMissing() throws IOException {
        URI artifact = commit("artifacts/model/1", Map.of("data.bin", bytes(3, 41), "other.bin", bytes(3, 42)));
        URI data = store().resolve("artifacts/model/1/data.bin");
        store().delete(data);

        assertMissing(() -> store().openRead(data).close(), data);
        assertThat(store().listFiles(artifact)).containsExactly("other.bin");
    }

    @Test
    void readingADirectoryAsAFileFails() throws IOException {
        URI artifact = commit("artifacts/model/1", Map.of("nested/data.bin", bytes(3, 43)));

        assertThatThrownBy(() -> store().size(artifact)).isInstanceOf(IOException.class)
                .isNotInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThatThrownBy(() -> store().listFiles(store().resolve("artifacts/model/1/nested/data.bin")))
                .isInstanceOf(IOException.class).isNotInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void sizeIsTheNumberOfBytesInTheFile() throws IOException {
        commit("artifacts/model/1", Map.of("empty.bin", new byte[0], "one.bin", bytes(1, 16),
                "big.bin", bytes(70_000, 17)));

        assertThat(store().size(store().resolve("artifacts/model/1/empty.bin"))).isZero();
        assertThat(store().size(store().resolve("artifacts/model/1/one.bin"))).isEqualTo(1);
        assertThat(store().size(store().resolve("artifacts/model/1/big.bin"))).isEqualTo(70_000);
        assertMissing(() -> store().size(store().resolve("artifacts/model/1/missing.bin")), store().resolve("artifacts/model/1/missing.bin"));
    }

    @Test
    void existsSeesFilesAndDirectories() throws IOException {
        commit("artifacts/model/1", Map.of("data.bin", bytes(3, 18)));

        assertThat(store().exists(store().resolve("artifacts/model/1/data.bin"))).isTrue();
        assertThat(store().exists(store().resolve("artifacts/model/1"))).isTrue();
        assertThat(store().exists(store().resolve("artifacts"))).isTrue();
        assertThat(store().exists(store().resolve("artifacts/model/2"))).isFalse();
        assertThat(store().exists(store().resolve("artifacts/model/1/data.bin/below"))).isFalse();
    }

    @Test
    void listFilesIsSortedAndRecursive() throws IOException {
        commit("artifacts/b", Map.of("b.txt", bytes(1, 19), "a/z.txt", bytes(1, 20), "a/b/c.txt", bytes(1, 21),
                "A.txt", bytes(1, 22), "a.txt", bytes(1, 23)));
        commit("artifacts/a", Map.of("only.txt", bytes(1, 24)));

        assertThat(store().listFiles(store().resolve("artifacts/b")))
                .containsExactly("A.txt", "a.txt", "a/b/c.txt", "a/z.txt", "b.txt");
        assertThat(store().listFiles(store().resolve("artifacts/b/a"))).containsExactly("b/c.txt", "z.txt");
        assertThat(store().listFiles(store().rootUri())).containsExactly("artifacts/a/only.txt", "artifacts/b/A.txt",
                "artifacts/b/a.txt", "artifacts/b/a/b/c.txt", "artifacts/b/a/z.txt", "artifacts/b/b.txt");
    }

    @Test
    void listFilesNeverListsTheStagingAreaOrUncommittedDrafts() throws IOException {
        commit("artifacts/a", Map.of("only.txt", bytes(1, 44)));
        try (ArtifactDraft draft = store().createDraft()) {
            write(draft, "pending.txt", bytes(5, 45));

            assertThat(store().listFiles(store().rootUri())).containsExactly("artifacts/a/only.txt");
        }
    }

    @Test
    void theUrisAStoreProducesAreNormalisedAndStable() throws IOException {
        URI artifact = commit("artifacts/model/1", Map.of("data.bin", bytes(3, 46)));
        URI file = store().resolve("artifacts/model/1/data.bin");

        assertThat(artifact.toString()).doesNotEndWith("/");
        assertThat(artifact).isEqualTo(store().resolve("artifacts/model/1"));
        assertThat(store().checkInside(artifact)).isEqualTo(artifact);
        assertThat(store().checkInside(file)).isEqualTo(file);
        assertThat(store().checkInside(store().rootUri())).isEqualTo(store().rootUri());
        assertThat(URI.create(store().rootUri() + "artifacts/./model/1/../1/data.bin")).satisfies(
                messy -> assertThat(store().checkInside(messy)).isEqualTo(file));
        assertThat(store().resolve("artifacts/a name with spaces & ü").toString())
                .startsWith(store().rootUri().toString()).doesNotContain(" ");
        assertThat(read(file)).isEqualTo(bytes(3, 46));
    }

    @Test
    void aRandomAccessChannelIsReadOnly() throws IOException {
        commit("artifacts/model/1", Map.of("data.bin", bytes(10, 47)));
        try (SeekableByteChannel channel = store().openRandomAccess(store().resolve("artifacts/model/1/data.bin"))) {
            assertThat(channel.size()).isEqualTo(10);
            assertThatThrownBy(() -> channel.write(ByteBuffer.wrap(new byte[] {1})))
                    .isInstanceOfAny(java.nio.channels.NonWritableChannelException.class, IOException.class);
            assertThat(readAt(channel, 7, 10)).isEqualTo(Arrays.copyOfRange(bytes(10, 47), 7, 10));
            assertThat(readAt(channel, 0, 3)).as("moving backwards").isEqualTo(Arrays.copyOfRange(bytes(10, 47), 0, 3));
        }
    }

    @Test
    void deletingTheRootIsRefused() throws IOException {
        commit("artifacts/a", Map.of("only.txt", bytes(1, 48)));

        assertThatThrownBy(() -> store().delete(store().rootUri())).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThat(store().listFiles(store().rootUri())).containsExactly("artifacts/a/only.txt");
    }

    @Test
    void aNegativeAbandonedAgeIsAnInvalidArgument() {
        assertThatThrownBy(() -> store().deleteAbandonedDrafts(Duration.ofSeconds(-1))).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void aDraftIsUnusableOnceCommitted() throws IOException {
        try (ArtifactDraft draft = store().createDraft()) {
            write(draft, "a.bin", bytes(2, 49));
            draft.commit("artifacts/model/1");

            assertThatThrownBy(() -> draft.create("b.bin")).isInstanceOfSatisfying(CairnException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
            assertThatThrownBy(() -> draft.commit("artifacts/model/2")).isInstanceOfSatisfying(CairnException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        }
        assertThat(store().exists(store().resolve("artifacts/model/2"))).isFalse();
        assertThat(store().listFiles(store().resolve("artifacts/model/1"))).containsExactly("a.bin");
    }

    @Test
    void closeIsIdempotent() {
        store().close();
        assertThatCode(() -> store().close()).doesNotThrowAnyException();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Deleting

    @Test
    void deleteRemovesADirectoryTreeAndIsIdempotent() throws IOException {
        URI first = commit("artifacts/model/1", Map.of("a.bin", bytes(10, 25), "nested/b.bin", bytes(10, 26)));
        URI tenth = commit("artifacts/model/10", Map.of("a.bin", bytes(10, 27), "b.bin", bytes(10, 28)));

        store().delete(first);

        assertThat(store().exists(first)).isFalse();
        assertThat(store().listFiles(store().rootUri()))
                .containsExactly("artifacts/model/10/a.bin", "artifacts/model/10/b.bin");

        assertThatCode(() -> store().delete(first)).as("deleting again").doesNotThrowAnyException();
        assertThatCode(() -> store().delete(store().resolve("never/was/here"))).doesNotThrowAnyException();

        store().delete(store().resolve("artifacts/model/10/b.bin"));
        assertThat(store().listFiles(tenth)).containsExactly("a.bin");
        assertThat(read(store().resolve("artifacts/model/10/a.bin"))).isEqualTo(bytes(10, 27));
    }

    @Test
    void deleteEmptyDirectoryNeverDeletesADirectoryThatHoldsAnything() throws IOException {
        URI artifact = commit("artifacts/kept/1", Map.of("a.bin", bytes(10, 29)));
        URI name = store().resolve("artifacts/kept");

        assertThat(store().deleteEmptyDirectory(name)).isFalse();
        assertThat(store().deleteEmptyDirectory(artifact)).isFalse();
        assertThat(store().deleteEmptyDirectory(store().resolve("artifacts/kept/1/a.bin"))).as("a file").isFalse();
        assertThat(store().deleteEmptyDirectory(store().resolve("never/was/here"))).isFalse();
        assertThat(read(store().resolve("artifacts/kept/1/a.bin"))).isEqualTo(bytes(10, 29));

        store().delete(artifact);
        store().deleteEmptyDirectory(name); // true where the store supports it, false by the default
        URI again = commit("artifacts/kept/2", Map.of("b.bin", bytes(10, 30)));
        assertThat(read(store().resolve("artifacts/kept/2/b.bin"))).as("a commit after the removal").isEqualTo(bytes(10, 30));
        assertThat(store().listFiles(again)).containsExactly("b.bin");
    }

    @Test
    void deleteAbandonedDraftsRemovesOnlyDraftsOlderThanTheAge() throws Exception {
        Duration gap = Duration.ofMillis(2000).plus(modificationTimeResolution().multipliedBy(2)); // tolerates a 1 s stall
        ArtifactDraft old = store().createDraft();
        ArtifactDraft recent = null;
        try {
            write(old, "data.bin", bytes(10, 29));
            Thread.sleep(gap.toMillis());
            recent = store().createDraft();
            write(recent, "data.bin", bytes(10, 30));

            assertThat(store().deleteAbandonedDrafts(gap.dividedBy(2))).isEqualTo(1);

            URI committed = recent.commit("artifacts/recent/1");
            assertThat(read(store().resolve("artifacts/recent/1/data.bin"))).isEqualTo(bytes(10, 30));
            assertThatThrownBy(() -> old.commit("artifacts/old/1")).as("commit of a deleted draft")
                    .isInstanceOf(Exception.class);
            assertThat(store().exists(store().resolve("artifacts/old/1"))).isFalse();
            assertThat(store().listFiles(store().rootUri())).containsExactly("artifacts/recent/1/data.bin");
            assertThat(store().deleteAbandonedDrafts(Duration.ZERO)).as("committed artifacts are not drafts").isZero();
            assertThat(store().exists(committed)).isTrue();
        } finally {
            old.close();
            if (recent != null) {
                recent.close();
            }
        }
    }

    @Test
    void deleteAbandonedDraftsKeepsRecentDrafts() throws IOException {
        try (ArtifactDraft draft = store().createDraft()) {
            write(draft, "data.bin", bytes(10, 31));

            assertThat(store().deleteAbandonedDrafts(Duration.ofHours(1))).isZero();

            draft.commit("artifacts/model/1");
        }
        assertThat(store().listFiles(store().rootUri())).containsExactly("artifacts/model/1/data.bin");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Concurrency

    @Test
    void concurrentDraftsCommitDistinctTargets() throws Exception {
        int threads = 8;
        int perThread = 20;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Callable<List<URI>>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            tasks.add(() -> {
                start.await(10, TimeUnit.SECONDS);
                List<URI> committed = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    try (ArtifactDraft draft = store().createDraft()) {
                        write(draft, "data.bin", bytes(100 + i, thread * 1000L + i));
                        write(draft, ".cairn/manifest.json", ("{\"i\":" + i + "}").getBytes(UTF_8));
                        committed.add(draft.commit("artifacts/t" + thread + "/" + i));
                    }
                }
                return committed;
            });
        }
        List<URI> committed = new ArrayList<>();
        for (Future<List<URI>> result : runAll(tasks)) {
            committed.addAll(result.get());
        }

        assertThat(committed).hasSize(threads * perThread).doesNotHaveDuplicates();
        assertThat(store().listFiles(store().resolve("artifacts"))).hasSize(threads * perThread * 2);
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                assertThat(read(store().resolve("artifacts/t" + t + "/" + i + "/data.bin")))
                        .isEqualTo(bytes(100 + i, t * 1000L + i));
            }
        }
        assertThat(store().deleteAbandonedDrafts(Duration.ZERO)).as("drafts left behind").isZero();
    }

    @Test
    void concurrentCommitsToOneTargetHaveExactlyOneWinner() throws Exception {
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            tasks.add(() -> {
                try (ArtifactDraft draft = store().createDraft()) {
                    write(draft, "data.bin", bytes(1000, 100 + thread));
                    write(draft, "thread.txt", String.valueOf(thread).getBytes(UTF_8));
                    start.await(10, TimeUnit.SECONDS);
                    try {
                        draft.commit("artifacts/contested/1");
                        return thread;
                    } catch (CairnException e) {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
                        return -1;
                    }
                }
            });
        }
        List<Integer> winners = new ArrayList<>();
        for (Future<Integer> result : runAll(tasks)) {
            if (result.get() >= 0) {
                winners.add(result.get());
            }
        }

        assertThat(winners).hasSize(1);
        int winner = winners.get(0);
        assertThat(read(store().resolve("artifacts/contested/1/thread.txt"))).asString(UTF_8)
                .isEqualTo(String.valueOf(winner));
        assertThat(read(store().resolve("artifacts/contested/1/data.bin"))).isEqualTo(bytes(1000, 100 + winner));
        assertThat(store().listFiles(store().rootUri()))
                .containsExactly("artifacts/contested/1/data.bin", "artifacts/contested/1/thread.txt");
        assertThat(store().deleteAbandonedDrafts(Duration.ZERO)).as("drafts left behind").isZero();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers for subclasses

    /** Commits a new artifact with {@code files} (relative path to bytes) to {@code target}; returns its URI. */
    protected final URI commit(String target, Map<String, byte[]> files) throws IOException {
        try (ArtifactDraft draft = store().createDraft()) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                write(draft, file.getKey(), file.getValue());
            }
            return draft.commit(target);
        }
    }

    /** Writes one file of a draft. */
    protected static void write(ArtifactDraft draft, String relativePath, byte[] content) throws IOException {
        try (OutputStream out = draft.create(relativePath)) {
            out.write(content);
        }
    }

    /** All bytes of a file of the store. */
    protected final byte[] read(URI file) throws IOException {
        try (InputStream in = store().openRead(file)) {
            return in.readAllBytes();
        }
    }

    /** {@code size} pseudo-random bytes, the same for the same seed. */
    protected static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * Asserts that {@code call} is refused with {@code PATH_OUTSIDE_STORE} and a message naming {@code offending}
     * and the root.
     */
    protected final void assertRefused(ThrowingCallable call, String offending) {
        assertRefused(call, offending, offending);
    }

    private void assertRefused(ThrowingCallable call, String offending, String description) {
        assertThatThrownBy(call).as(description).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.errorCode()).as("error code of %s", description).isEqualTo(ErrorCode.PATH_OUTSIDE_STORE);
            assertThat(e.getMessage()).as("message of %s", description)
                    .contains(offending)
                    .contains(store().rootUri().toString());
        });
    }

    /**
     * Asserts the one missing-file signal of every store: a {@link java.nio.file.NoSuchFileException} whose file is
     * {@code uri} (as text).
     */
    protected static void assertMissing(ThrowingCallable call, URI uri) {
        assertThatThrownBy(call).as("reading missing %s", uri)
                .isInstanceOfSatisfying(java.nio.file.NoSuchFileException.class,
                        e -> assertThat(e.getFile()).as("NoSuchFileException.getFile()").isEqualTo(uri.toString()));
    }

    private static void writeInUnevenChunks(OutputStream out, byte[] content) throws IOException {
        int position = 0;
        int chunk = 1;
        while (position < content.length) {
            int length = Math.min(chunk, content.length - position);
            if (length == 1) {
                out.write(content[position]);
            } else {
                out.write(content, position, length);
            }
            position += length;
            chunk = chunk * 3 % 70_001 + 1;
        }
    }

    private static byte[] readAt(SeekableByteChannel channel, long position, int length) throws IOException {
        channel.position(position);
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
            // keep reading
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private static <T> List<Future<T>> runAll(List<Callable<T>> tasks) throws InterruptedException {
        ExecutorService executor = Executors.newFixedThreadPool(tasks.size());
        try {
            return executor.invokeAll(tasks, 30, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
    }

    // ExternalWrites: an optional capability; a store whose drafts do not offer it skips these tests.

    private static final String SOME_SHA256 = "ab".repeat(32);

    /** The draft's external writes; skips the test when the store offers none. */
    private static dev.cairn.api.spi.ExternalWrites externalWrites(ArtifactDraft draft) {
        java.util.Optional<dev.cairn.api.spi.ExternalWrites> external = draft.externalWrites();
        assumeTrue(external.isPresent(), "the store's drafts offer no ExternalWrites");
        return external.get();
    }

    @Test
    void externallyWrittenFilesAreAdoptedAndCommittedWithTheDraft() throws Exception {
        URI committed;
        try (ArtifactDraft draft = store().createDraft()) {
            dev.cairn.api.spi.ExternalWrites external = externalWrites(draft);
            URI staging = external.stagingDirectory();
            assertThat(staging.isAbsolute()).as("absolute staging URI %s", staging).isTrue();
            assertThat(staging.toString()).endsWith("/");
            writeExternally(staging.resolve("parts/part-00000.parquet"), "external bytes".getBytes(UTF_8));
            try (OutputStream out = draft.create("own.txt")) {
                out.write("own".getBytes(UTF_8));
            }
            external.adopt(List.of(new dev.cairn.api.artifact.ArtifactFile("parts/part-00000.parquet", 14, SOME_SHA256)));
            committed = draft.commit("artifacts/external/1");
        }
        assertThat(store().listFiles(committed)).containsExactly("own.txt", "parts/part-00000.parquet");
        try (InputStream in = store().openRead(store().resolve("artifacts/external/1/parts/part-00000.parquet"))) {
            assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("external bytes");
        }
    }

    @Test
    void closingAnUncommittedDraftDeletesWhatExternalWritersPutThere() throws Exception {
        URI staging;
        try (ArtifactDraft draft = store().createDraft()) {
            dev.cairn.api.spi.ExternalWrites external = externalWrites(draft);
            staging = external.stagingDirectory();
            writeExternally(staging.resolve("_attempts/part-00000-3.parquet"), "a failed attempt".getBytes(UTF_8));
        }
        assertThat(store().deleteAbandonedDrafts(Duration.ZERO)).as("nothing left for the sweeper").isZero();
    }

    @Test
    void adoptingAMissingOrDifferentlySizedFileIsRefused() throws Exception {
        try (ArtifactDraft draft = store().createDraft()) {
            dev.cairn.api.spi.ExternalWrites external = externalWrites(draft);
            writeExternally(external.stagingDirectory().resolve("part.parquet"), "12345".getBytes(UTF_8));

            assertThatThrownBy(() -> external.adopt(List.of(new dev.cairn.api.artifact.ArtifactFile("missing.parquet", 5, SOME_SHA256))))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                    .hasMessageContaining("missing.parquet");
            assertThatThrownBy(() -> external.adopt(List.of(new dev.cairn.api.artifact.ArtifactFile("part.parquet", 6, SOME_SHA256))))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                    .hasMessageContaining("part.parquet");
            assertThatThrownBy(() -> external.adopt(List.of(new dev.cairn.api.artifact.ArtifactFile("../escape.parquet", 5, SOME_SHA256))))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PATH_OUTSIDE_STORE));
        }
    }
}
