package dev.cairn.stores.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactDraft;

/** Behaviour of {@link LocalArtifactStore} beyond the shared contract: layout, symbolic links, path rules. */
class LocalArtifactStoreTest {
    @TempDir
    Path temp;

    private Path root;
    private Path outside;
    private LocalArtifactStore store;

    @BeforeEach
    void openStore() throws IOException {
        store = new LocalArtifactStore(temp.resolve("x/store"));
        root = Path.of(store.rootUri());
        outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Layout and atomic commits

    @Test
    void rootIsCreatedWithAStagingArea() throws IOException {
        assertThat(root).isEqualTo(temp.toRealPath().resolve("x/store"));
        assertThat(store.rootUri().toString()).isEqualTo(root.toUri().toString()).endsWith("/");
        assertThat(root.resolve(".staging")).isDirectory();
    }

    @Test
    void draftFilesAreWrittenInTheirOwnStagingDirectory() throws IOException {
        try (ArtifactDraft draft = store.createDraft()) {
            write(draft, "nested/data.bin", "hello");

            List<Path> drafts = children(root.resolve(".staging"));
            assertThat(drafts).hasSize(1);
            assertThatCode(() -> UUID.fromString(drafts.get(0).getFileName().toString()))
                    .as("staging directory named by a UUID").doesNotThrowAnyException();
            assertThat(drafts.get(0).resolve("nested/data.bin")).hasContent("hello");
            assertThat(children(root)).containsExactly(root.resolve(".staging"));
        }
    }

    @Test
    void commitRenamesTheStagingDirectoryIntoPlace() throws IOException {
        try (ArtifactDraft draft = store.createDraft()) {
            write(draft, "data.bin", "hello");
            Path staging = children(root.resolve(".staging")).get(0);
            Object stagingFileKey = fileKey(staging);
            assertThat(stagingFileKey).as("file key (inode) support").isNotNull();

            URI uri = draft.commit("artifacts/model/1");

            Path target = root.resolve("artifacts/model/1");
            assertThat(Path.of(uri)).isEqualTo(target);
            assertThat(fileKey(target)).as("the target is the staging directory, renamed").isEqualTo(stagingFileKey);
            assertThat(target.resolve("data.bin")).hasContent("hello");
            assertThat(staging).doesNotExist();
            assertThat(children(root.resolve(".staging"))).isEmpty();
        }
    }

    @Test
    void failedCommitLeavesTheDraftForClose() throws IOException {
        store.createDraft().commit("artifacts/model/1");
        ArtifactDraft draft = store.createDraft();
        write(draft, "data.bin", "second");
        Path staging = children(root.resolve(".staging")).get(0);

        assertThatThrownBy(() -> draft.commit("artifacts/model/1"))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
                    assertThat(e.getMessage()).contains(store.resolve("artifacts/model/1").toString())
                            .contains("already exists");
                });
        assertThat(staging.resolve("data.bin")).hasContent("second");

        draft.close();
        assertThat(staging).doesNotExist();
        assertThat(children(root.resolve("artifacts/model/1"))).isEmpty();
    }

    @Test
    void commitIsRefusedWhileAFileOfTheDraftIsOpen() throws IOException {
        try (ArtifactDraft draft = store.createDraft()) {
            OutputStream out = draft.create("data.bin");
            out.write("partial".getBytes(UTF_8));

            assertThatThrownBy(() -> draft.commit("artifacts/model/1"))
                    .isInstanceOfSatisfying(CairnException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                        assertThat(e.getMessage()).contains("data.bin").contains("close");
                    });
            assertThat(root.resolve("artifacts")).doesNotExist();

            out.write(" and the rest".getBytes(UTF_8));
            out.close();
            draft.commit("artifacts/model/1");
        }
        assertThat(root.resolve("artifacts/model/1/data.bin")).hasContent("partial and the rest");
    }

    @Test
    void closingADraftClosesItsOpenFilesAndDeletesThem() throws IOException {
        ArtifactDraft draft = store.createDraft();
        OutputStream out = draft.create("data.bin");
        out.write(new byte[100_000]);

        draft.close();

        assertThat(children(root.resolve(".staging"))).isEmpty();
        assertThatCode(out::close).doesNotThrowAnyException();
    }

    @Test
    void aDraftCannotBeUsedAfterCommitOrClose() throws IOException {
        ArtifactDraft committed = store.createDraft();
        committed.commit("artifacts/model/1");
        assertInvalidArgument(() -> committed.create("late.bin"), "already committed");
        assertInvalidArgument(() -> committed.commit("artifacts/model/2"), "already committed");

        ArtifactDraft closed = store.createDraft();
        closed.close();
        assertInvalidArgument(() -> closed.create("late.bin"), "closed");
        assertInvalidArgument(() -> closed.commit("artifacts/model/3"), "closed");

        assertThat(children(root.resolve("artifacts/model"))).containsExactly(root.resolve("artifacts/model/1"));
    }

    @Test
    void aDraftFileCanBeCreatedOnlyOnce() throws IOException {
        try (ArtifactDraft draft = store.createDraft()) {
            write(draft, "data.bin", "first");

            assertThatThrownBy(() -> draft.create("data.bin")).isInstanceOf(FileAlreadyExistsException.class);
            draft.commit("artifacts/model/1");
        }
        assertThat(root.resolve("artifacts/model/1/data.bin")).hasContent("first");
    }

    @Test
    void commitIntoTheStagingAreaIsRefused() throws IOException {
        try (ArtifactDraft draft = store.createDraft()) {
            assertInvalidArgument(() -> draft.commit(".staging/artifact"), "staging area");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Relative path rules

    @ParameterizedTest
    @ValueSource(strings = {"", "a/../b", "..", "./a", "a/.", ".", "a//b", "a/", "/a", "//a", "a\\b", "..\\escape",
            "a\u0000b", "a\nb", "tab\there", "del\u007f", "c1\u0085"})
    void badRelativePathsAreRefusedEverywhere(String path) throws IOException {
        String shown = dev.cairn.api.spi.RelativePaths.printable(path);
        assertOutside(() -> store.resolve(path), shown);
        try (ArtifactDraft draft = store.createDraft()) {
            assertOutside(() -> draft.create(path), shown);
            assertOutside(() -> draft.commit(path), shown);
        }
        assertThat(children(root)).containsExactly(root.resolve(".staging"));
    }

    @Test
    void refusalsSayWhatIsWrong() {
        assertThatThrownBy(() -> store.resolve("a/../b")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> store.resolve("a\\b")).hasMessageContaining("backslash");
        assertThatThrownBy(() -> store.resolve("a//b")).hasMessageContaining("empty name");
        assertThatThrownBy(() -> store.resolve("/a")).hasMessageContaining("absolute");
        assertThatThrownBy(() -> store.resolve("a\u0001")).hasMessageContaining("U+0001").hasMessageContaining("a\\u0001");
    }

    @Test
    void namesWithUnusualCharactersGetCanonicalEncodedUris() throws IOException {
        String name = "a b/\u00e9t\u00e9 %#?;:@.bin";
        try (ArtifactDraft draft = store.createDraft()) {
            write(draft, name, "odd");
            draft.commit("artifacts/odd");
        }
        URI uri = store.resolve("artifacts/odd/" + name);

        assertThat(uri.toString()).isEqualTo(store.rootUri() + "artifacts/odd/a%20b/%C3%A9t%C3%A9%20%25%23%3F;:@.bin");
        assertThat(Path.of(uri)).isEqualTo(root.resolve("artifacts/odd/" + name));
        assertThat(store.checkInside(root.resolve("artifacts/odd/" + name).toUri())).isEqualTo(uri);
        assertThat(store.listFiles(store.resolve("artifacts/odd"))).containsExactly(name);
        assertThat(store.openRead(uri).readAllBytes()).asString(UTF_8).isEqualTo("odd");
    }

    // ---------------------------------------------------------------------------------------------------------
    // URI rules

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com/a", "hdfs://namenode:8020/x/store/a", "artifacts/a", "file:artifacts/a",
            "file://otherhost/x/store/a", "ROOT/a?x=1", "ROOT/a#fragment", "ROOT/a%5Cb", "ROOT/a%0Ab",
            "ROOT/../store_evil/a.txt", "ROOT/%2e%2e/store_evil/a.txt", "SIBLING/a.txt"})
    void badUrisAreRefused(String text) throws IOException {
        Files.createDirectories(temp.resolve("x/store_evil"));
        Files.writeString(temp.resolve("x/store_evil/a.txt"), "not in the store");
        String rootText = store.rootUri().toString();
        URI uri = URI.create(text.replace("ROOT/", rootText)
                .replace("SIBLING/", rootText.substring(0, rootText.length() - 1) + "_evil/"));

        assertOutside(() -> store.checkInside(uri), uri.toString());
        assertOutside(() -> store.openRead(uri).close(), uri.toString());
        assertOutside(() -> store.exists(uri), uri.toString());
        assertOutside(() -> store.delete(uri), uri.toString());
        assertThat(temp.resolve("x/store_evil/a.txt")).hasContent("not in the store");
    }

    @Test
    void urisAreNormalisedToTheCanonicalForm() throws IOException {
        Files.createDirectories(root.resolve("artifacts/m"));

        assertThat(store.checkInside(URI.create(store.rootUri() + "artifacts/m/")))
                .isEqualTo(store.resolve("artifacts/m"));
        assertThat(store.checkInside(URI.create("FILE://" + store.rootUri().getRawPath() + "artifacts//m/./")))
                .isEqualTo(store.resolve("artifacts/m"));
        assertThat(store.checkInside(URI.create(store.rootUri().toString().replaceAll("/$", ""))))
                .isEqualTo(store.rootUri());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Symbolic links

    @Test
    void aLinkToOutsideIsRefusedByEveryMethod() throws IOException {
        Files.createDirectories(root.resolve("artifacts"));
        Files.createSymbolicLink(root.resolve("artifacts/link"), outside);
        URI secret = URI.create(store.rootUri() + "artifacts/link/secret.txt");
        URI link = URI.create(store.rootUri() + "artifacts/link");

        assertOutside(() -> store.resolve("artifacts/link/secret.txt"), "artifacts/link/secret.txt");
        assertOutside(() -> store.checkInside(secret), secret.toString());
        assertOutside(() -> store.openRead(secret).close(), secret.toString());
        assertOutside(() -> store.openRandomAccess(secret).close(), secret.toString());
        assertOutside(() -> store.size(secret), secret.toString());
        assertOutside(() -> store.exists(secret), secret.toString());
        assertOutside(() -> store.listFiles(link), link.toString());
        assertOutside(() -> store.delete(secret), secret.toString());
        try (ArtifactDraft draft = store.createDraft()) {
            write(draft, "data.bin", "x");
            assertOutside(() -> draft.commit("artifacts/link/artifact"), "artifacts/link/artifact");
        }

        assertThat(children(outside)).containsExactly(outside.resolve("secret.txt"));
        assertThat(outside.resolve("secret.txt")).hasContent("secret");
        assertThat(store.listFiles(store.rootUri())).isEmpty();
    }

    @Test
    void danglingAndRelativeLinksToOutsideAreRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("dangling"), outside.resolve("not-yet"));
        Files.createSymbolicLink(root.resolve("relative"), Path.of("../../outside"));

        assertOutside(() -> store.resolve("dangling"), "dangling");
        assertOutside(() -> store.resolve("dangling/file.bin"), "dangling/file.bin");
        assertOutside(() -> store.resolve("relative/secret.txt"), "relative/secret.txt");
        try (ArtifactDraft draft = store.createDraft()) {
            write(draft, "data.bin", "x");
            assertOutside(() -> draft.commit("dangling"), "dangling");
            assertOutside(() -> draft.commit("dangling/artifact"), "dangling/artifact");
            assertOutside(() -> draft.commit("relative/artifact"), "relative/artifact");
        }

        assertThat(outside.resolve("not-yet")).doesNotExist();
        assertThat(children(outside)).containsExactly(outside.resolve("secret.txt"));
    }

    @Test
    void aLinkPlantedInsideADraftCannotLeadOutside() throws IOException {
        try (ArtifactDraft draft = store.createDraft()) {
            Path staging = children(root.resolve(".staging")).get(0);
            Files.createSymbolicLink(staging.resolve("planted"), outside);

            assertOutside(() -> draft.create("planted/stolen.bin"), "planted/stolen.bin");
        }
        assertThat(children(outside)).containsExactly(outside.resolve("secret.txt"));
    }

    @Test
    void linksThatStayInsideTheStoreAreFollowed() throws IOException {
        try (ArtifactDraft draft = store.createDraft()) {
            write(draft, "data.bin", "hello");
            draft.commit("artifacts/model/1");
        }
        Files.createSymbolicLink(root.resolve("latest"), Path.of("artifacts/model/1"));

        URI throughLink = store.resolve("latest/data.bin");
        assertThat(throughLink.toString()).isEqualTo(store.rootUri() + "latest/data.bin");
        assertThat(store.exists(throughLink)).isTrue();
        assertThat(store.size(throughLink)).isEqualTo(5);
        assertThat(store.openRead(throughLink).readAllBytes()).asString(UTF_8).isEqualTo("hello");
        assertThat(store.listFiles(store.resolve("latest"))).containsExactly("data.bin");
    }

    @Test
    void deleteRemovesLinksNotWhatTheyPointTo() throws IOException {
        try (ArtifactDraft draft = store.createDraft()) {
            write(draft, "data.bin", "hello");
            draft.commit("artifacts/model/1");
        }
        Files.createDirectories(root.resolve("junk"));
        Files.createSymbolicLink(root.resolve("junk/to-outside"), outside);
        Files.createSymbolicLink(root.resolve("latest"), root.resolve("artifacts/model/1"));

        store.delete(store.resolve("junk"));
        store.delete(store.resolve("latest"));

        assertThat(root.resolve("junk")).doesNotExist();
        assertThat(root.resolve("latest")).doesNotExist();
        assertThat(outside.resolve("secret.txt")).hasContent("secret");
        assertThat(root.resolve("artifacts/model/1/data.bin")).hasContent("hello");
    }

    @Test
    void linksAreNotListed() throws IOException {
        try (ArtifactDraft draft = store.createDraft()) {
            write(draft, "data.bin", "hello");
            draft.commit("artifacts/model/1");
        }
        Files.createSymbolicLink(root.resolve("artifacts/model/1/alias.bin"), Path.of("data.bin"));
        Files.createSymbolicLink(root.resolve("artifacts/to-outside"), outside);

        assertThat(store.listFiles(store.rootUri())).containsExactly("artifacts/model/1/data.bin");
    }

    @Test
    void aLinkLoopIsAStoreFailure() throws IOException {
        Files.createSymbolicLink(root.resolve("loop"), root.resolve("loop"));

        assertThatThrownBy(() -> store.resolve("loop/file.bin")).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
            assertThat(e.getMessage()).contains("loop/file.bin").contains("symbolic links");
        });
    }

    @Test
    void aRootReachedThroughALinkIsKeptAsItsRealPath() throws IOException {
        Path alias = Files.createSymbolicLink(temp.resolve("alias"), temp.resolve("x"));
        LocalArtifactStore throughAlias = new LocalArtifactStore(alias.resolve("store"));

        assertThat(throughAlias.rootUri()).isEqualTo(store.rootUri());
        assertThat(throughAlias.checkInside(alias.resolve("store/a.bin").toUri())).isEqualTo(store.resolve("a.bin"));
        assertOutside(() -> throughAlias.checkInside(alias.resolve("store_evil/a.txt").toUri()), "store_evil");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Listing, reading, deleting

    @Test
    void listingTheRootSkipsTheStagingAreaButListingItDoesNot() throws IOException {
        try (ArtifactDraft draft = store.createDraft()) {
            write(draft, "data.bin", "hello");

            assertThat(store.listFiles(store.rootUri())).isEmpty();
            assertThat(store.listFiles(store.resolve(".staging"))).singleElement().asString()
                    .endsWith("/data.bin");
        }
    }

    @Test
    void readErrorsAreTheFileSystemsExceptions() throws IOException {
        try (ArtifactDraft draft = store.createDraft()) {
            write(draft, "data.bin", "hello");
            draft.commit("artifacts/model/1");
        }

        assertThatThrownBy(() -> store.openRead(store.resolve("artifacts/missing.bin")))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("missing.bin");
        assertThatThrownBy(() -> store.size(store.resolve("artifacts/model/1")))
                .isInstanceOf(FileSystemException.class).hasMessageContaining("directory");
        assertThatThrownBy(() -> store.listFiles(store.resolve("artifacts/model/1/data.bin")))
                .isInstanceOf(NotDirectoryException.class);
        assertThatThrownBy(() -> store.listFiles(store.resolve("artifacts/missing")))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void theRootCannotBeDeleted() {
        assertThatThrownBy(() -> store.delete(store.rootUri())).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> store.delete(URI.create(store.rootUri() + "artifacts/..")))
                .isInstanceOf(CairnException.class);
        assertThat(root.resolve(".staging")).isDirectory();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Abandoned drafts

    @Test
    void abandonedDraftsAreThoseInWhichNothingChangedForTheAge() throws IOException {
        ArtifactDraft abandoned = store.createDraft();
        write(abandoned, "data.bin", "old");
        Path abandonedDirectory = ((LocalArtifactDraft) abandoned).directory();
        ArtifactDraft stillWriting = store.createDraft();
        write(stillWriting, "data.bin", "recent");
        Path stillWritingDirectory = ((LocalArtifactDraft) stillWriting).directory();
        ArtifactDraft fresh = store.createDraft();
        Path leftover = Files.createDirectories(root.resolve(".staging/" + UUID.randomUUID() + ".abandoned/x"));

        FileTime twoHoursAgo = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
        for (Path path : List.of(abandonedDirectory, abandonedDirectory.resolve("data.bin"), stillWritingDirectory,
                leftover, leftover.getParent())) {
            Files.setLastModifiedTime(path, twoHoursAgo);
        }

        assertThat(store.deleteAbandonedDrafts(Duration.ofHours(1))).isEqualTo(2);

        assertThat(abandonedDirectory).doesNotExist();
        assertThat(leftover.getParent()).doesNotExist();
        assertThatThrownBy(() -> abandoned.commit("artifacts/abandoned/1"))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
                    assertThat(e.getMessage()).contains("no longer exists");
                });
        assertThatThrownBy(() -> abandoned.create("more.bin")).isInstanceOf(NoSuchFileException.class);
        assertThat(abandonedDirectory).as("a removed draft is not re-created").doesNotExist();
        abandoned.close();

        stillWriting.commit("artifacts/still-writing/1");
        fresh.commit("artifacts/fresh/1");
        assertThat(store.listFiles(store.rootUri())).containsExactly("artifacts/still-writing/1/data.bin");
        assertThat(children(root.resolve(".staging"))).isEmpty();
    }

    @Test
    void deleteAbandonedDraftsChecksItsArgumentAndAMissingStagingArea() throws IOException {
        assertInvalidArgument(() -> store.deleteAbandonedDrafts(Duration.ofSeconds(-1)), "negative");
        assertThat(store.deleteAbandonedDrafts(Duration.ofDays(365_000_000))).isZero();

        Files.delete(root.resolve(".staging"));
        assertThat(store.deleteAbandonedDrafts(Duration.ZERO)).isZero();
        try (ArtifactDraft draft = store.createDraft()) {
            write(draft, "data.bin", "hello");
            draft.commit("artifacts/model/1");
        }
        assertThat(root.resolve("artifacts/model/1/data.bin")).hasContent("hello");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Opening

    @Test
    void aRootThatIsAFileIsAStoreFailure() throws IOException {
        Path file = Files.writeString(temp.resolve("file"), "x");

        assertThatThrownBy(() -> new LocalArtifactStore(file)).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
            assertThat(e.getMessage()).contains(file.toString());
        });
    }

    // ---------------------------------------------------------------------------------------------------------

    private void assertOutside(ThrowingCallable call, String offending) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.PATH_OUTSIDE_STORE);
            assertThat(e.getMessage()).contains(offending).contains(store.rootUri().toString());
        });
    }

    private static void assertInvalidArgument(ThrowingCallable call, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    private static void write(ArtifactDraft draft, String relativePath, String content) throws IOException {
        try (OutputStream out = draft.create(relativePath)) {
            out.write(content.getBytes(UTF_8));
        }
    }

    private static List<Path> children(Path directory) throws IOException {
        try (Stream<Path> children = Files.list(directory)) {
            return children.sorted().toList();
        }
    }

    private static Object fileKey(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    }
}
