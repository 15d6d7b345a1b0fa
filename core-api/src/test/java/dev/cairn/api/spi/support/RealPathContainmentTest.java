package dev.cairn.api.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Containment with links resolved, on real directories and real symbolic links. */
class RealPathContainmentTest {
    private static final URI STORE = URI.create("dir:///store/");

    @TempDir
    Path temp;
    Path root;
    Path outside;

    @BeforeEach
    void createDirectories() throws IOException {
        root = Files.createDirectories(temp.resolve("store"));
        outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
    }

    @Test
    void aPathInsideTheRootIsAcceptedAndResolved() throws IOException {
        Files.createDirectories(root.resolve("artifacts/a"));

        Path existing = RealPathContainment.requireInside(root, root.resolve("artifacts/a"), URI.create("dir:///store/artifacts/a"), STORE);
        Path missing = RealPathContainment.requireInside(root, root.resolve("artifacts/b/c.bin"), URI.create("dir:///store/artifacts/b/c.bin"), STORE);

        assertThat(existing).isEqualTo(root.toRealPath().resolve("artifacts/a"));
        assertThat(missing).isEqualTo(root.toRealPath().resolve("artifacts/b/c.bin"));
        assertThat(RealPathContainment.isInside(root, root)).isTrue();
    }

    @Test
    void aLinkInsideTheRootThatLeadsOutIsRefusedForExistingAndNewFiles() throws IOException {
        Files.createSymbolicLink(root.resolve("link"), outside);
        String realOutside = outside.toRealPath().toString();

        for (String relative : new String[] {"link", "link/secret.txt", "link/new/file.bin"}) {
            URI uri = URI.create(STORE + relative);
            assertThatThrownBy(() -> RealPathContainment.requireInside(root, root.resolve(relative), uri, STORE))
                    .isInstanceOfSatisfying(CairnException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.PATH_OUTSIDE_STORE);
                        assertThat(e.getMessage()).contains(uri.toString()).contains(STORE.toString()).contains(realOutside);
                    });
            assertThat(RealPathContainment.isInside(root, root.resolve(relative))).as(relative).isFalse();
        }
    }

    @Test
    void aLinkThatStaysInsideTheRootIsAccepted() throws IOException {
        Files.createDirectories(root.resolve("real"));
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("real"));

        assertThat(RealPathContainment.requireInside(root, root.resolve("alias/x"), URI.create(STORE + "alias/x"), STORE))
                .isEqualTo(root.toRealPath().resolve("real/x"));
    }

    @Test
    void aSiblingWhoseNameExtendsTheRootsIsOutside() throws IOException {
        Path evil = Files.createDirectories(temp.resolve("store_evil"));

        assertThat(RealPathContainment.isInside(root, evil.resolve("a.txt"))).isFalse();
    }

    @Test
    void aRootReachedThroughALinkIsComparedByItsRealPath() throws IOException {
        Path linkedRoot = Files.createSymbolicLink(temp.resolve("linked-store"), root);

        assertThat(RealPathContainment.isInside(linkedRoot, root.resolve("a/b"))).isTrue();
        assertThat(RealPathContainment.isInside(root, linkedRoot.resolve("a/b"))).isTrue();
    }

    @Test
    void aDanglingLinkIsRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("dangling"), temp.resolve("not-yet"));

        assertThatThrownBy(() -> RealPathContainment.resolveExisting(root.resolve("dangling/file"))).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> RealPathContainment.requireInside(root, root.resolve("dangling/file"), URI.create(STORE + "dangling/file"), STORE))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PATH_OUTSIDE_STORE));
        assertThat(Files.exists(temp.resolve("not-yet"))).isFalse();
    }

    @Test
    void aRootThatDoesNotExistYetIsResolvedThroughItsExistingAncestor() throws IOException {
        Path future = temp.resolve("future/store");

        assertThat(RealPathContainment.isInside(future, future.resolve("artifacts/x"))).isTrue();
        assertThat(RealPathContainment.isInside(future, temp.resolve("future/other"))).isFalse();
    }
}
