package dev.cairn.engine.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.MetadataStoreProvider;
import dev.cairn.api.spi.StoreContext;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStoreProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metadata stores are found by the scheme of their URI, through {@link CairnPlugin#metadataStoreProviders()}. */
class MetadataStoresTest {
    public static final class Steps {
        @Step
        public static String upper(String text) {
            return text.toUpperCase(java.util.Locale.ROOT);
        }
    }

    /** Opens SQLite stores under another scheme name, so that the claims are made by real providers. */
    static final class RenamedSqliteProvider implements MetadataStoreProvider {
        private final String scheme;

        RenamedSqliteProvider(String scheme) {
            this.scheme = scheme;
        }

        @Override
        public Set<String> schemes() {
            return Set.of(scheme);
        }

        @Override
        public MetadataStore open(URI uri, StoreContext context) {
            return SqliteMetadataStore.open(Path.of(uri.getPath()));
        }
    }

    record TestingPlugin(String name, boolean builtIn, MetadataStoreProvider provider) implements CairnPlugin {
        @Override
        public List<MetadataStoreProvider> metadataStoreProviders() {
            return List.of(provider);
        }
    }

    @TempDir
    Path home;

    @Test
    void anEngineOpensTheMetadataStoreOfItsUri() {
        Path database = home.resolve("elsewhere/meta.db");
        try (Cairn cairn = Cairn.builder().home(home).metadata(URI.create("sqlite:" + database)).build()) {
            PipelineRun run = cairn.run(Pipeline.define("by-uri", p -> p.call(Steps::upper, Param.of("a"))));
            try (SqliteMetadataStore store = SqliteMetadataStore.open(database)) {
                assertThat(store.findRun(run.id())).isPresent();
            }
        }
        assertThat(Files.exists(home.resolve("metadata.db"))).isFalse();
    }

    @Test
    void twoProvidersClaimingOneSchemeFailAtStartNamingBoth() {
        CairnPlugin first = new TestingPlugin("first", false, new RenamedSqliteProvider("meta"));
        CairnPlugin second = new TestingPlugin("second", false, new RenamedSqliteProvider("meta"));
        assertThatThrownBy(() -> Cairn.builder().home(home).plugin(first).plugin(second).build())
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("'meta'").hasMessageContaining("plugin first").hasMessageContaining("plugin second")
                .hasMessageContaining(RenamedSqliteProvider.class.getName());
    }

    @Test
    void aThirdPartyProviderReplacesABuiltInOne() {
        MetadataStores stores = new MetadataStores(List.of(new TestingPlugin("built-in", true, new SqliteMetadataStoreProvider()),
                new TestingPlugin("mine", false, new RenamedSqliteProvider("sqlite"))));
        Path database = home.resolve("replaced.db");
        // the built-in provider would refuse a sqlite URI with a host; the replacement only reads the path
        try (MetadataStore store = stores.open(URI.create("sqlite://somewhere" + database), StoreContext.defaults())) {
            assertThat(store.listRuns(Optional.empty())).isEmpty();
        }
        assertThat(Files.exists(database)).isTrue();
    }

    @Test
    void anUnknownSchemeIsUnsupportedAndThePasswordIsNotPrinted() {
        MetadataStores stores = new MetadataStores(List.of(new TestingPlugin("built-in", true, new SqliteMetadataStoreProvider())));
        assertThatThrownBy(() -> stores.open(URI.create("mysql://bob:s3cret@db:3306/cairn"), StoreContext.defaults()))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_URI))
                .hasMessageContaining("mysql://bob:****@db:3306/cairn").hasMessageContaining("[sqlite]").hasMessageNotContaining("s3cret");
    }

    @Test
    void masksPasswordsInUserInfoAndQuery() {
        assertThat(UriMasking.mask("postgresql://cairn:pw@db:5432/meta?user=x&password=secret&ssl=true"))
                .isEqualTo("postgresql://cairn:****@db:5432/meta?user=x&password=****&ssl=true");
        assertThat(UriMasking.mask("postgresql://db/meta?user=cairn")).isEqualTo("postgresql://db/meta?user=cairn");
    }
}
