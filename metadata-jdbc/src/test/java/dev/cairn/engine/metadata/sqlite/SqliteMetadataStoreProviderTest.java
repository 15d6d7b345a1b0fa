package dev.cairn.engine.metadata.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.spi.StoreContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteMetadataStoreProviderTest {
    @TempDir
    Path dir;

    @Test
    void absoluteAndTripleSlashUrisNameTheFile() {
        assertThat(SqliteMetadataStoreProvider.databaseFile(URI.create("sqlite:/data/cairn/metadata.db"), Optional.empty()))
                .isEqualTo(Path.of("/data/cairn/metadata.db"));
        assertThat(SqliteMetadataStoreProvider.databaseFile(URI.create("sqlite:///data/cairn/../m.db"), Optional.empty()))
                .isEqualTo(Path.of("/data/m.db"));
    }

    @Test
    void aRelativePathResolvesAgainstTheHome() {
        assertThat(SqliteMetadataStoreProvider.databaseFile(URI.create("sqlite:meta/metadata.db"), Optional.of(dir)))
                .isEqualTo(dir.resolve("meta/metadata.db").toAbsolutePath());
    }

    @Test
    void unusableUrisAreConfigurationErrorsNamingTheUri() {
        assertThatThrownBy(() -> SqliteMetadataStoreProvider.databaseFile(URI.create("sqlite:metadata.db"), Optional.empty()))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("sqlite:metadata.db").hasMessageContaining("relative");
        assertThatThrownBy(() -> SqliteMetadataStoreProvider.databaseFile(URI.create("sqlite://host/m.db"), Optional.of(dir)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("sqlite://host/m.db");
        assertThatThrownBy(() -> SqliteMetadataStoreProvider.databaseFile(URI.create("sqlite:/m.db?mode=ro"), Optional.of(dir)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION));
        assertThatThrownBy(() -> SqliteMetadataStoreProvider.databaseFile(URI.create("postgresql://h/db"), Optional.of(dir)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION));
    }

    @Test
    void opensTheStoreInTheNamedFileCreatingParents() {
        Path file = dir.resolve("nested/dir/metadata.db");
        try (MetadataStore store = new SqliteMetadataPlugin().metadataStoreProviders().get(0)
                .open(URI.create("sqlite:nested/dir/metadata.db"), StoreContext.builder().cairnHome(dir).build())) {
            assertThat(store).isInstanceOf(SqliteMetadataStore.class);
            assertThat(((SqliteMetadataStore) store).databaseFile()).isEqualTo(file.toAbsolutePath());
            assertThat(store.listRuns(Optional.empty())).isEmpty();
        }
        assertThat(Files.isRegularFile(file)).isTrue();
    }
}
