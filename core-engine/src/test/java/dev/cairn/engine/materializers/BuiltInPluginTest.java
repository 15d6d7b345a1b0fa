package dev.cairn.engine.materializers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.ServiceLoader;

import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.Materializer;
import org.junit.jupiter.api.Test;

class BuiltInPluginTest {
    @Test
    void isFoundByTheServiceLoader() {
        List<CairnPlugin> plugins = ServiceLoader.load(CairnPlugin.class).stream().map(ServiceLoader.Provider::get).toList();
        assertThat(plugins).filteredOn(plugin -> plugin instanceof BuiltInPlugin).hasSize(1);
    }

    @Test
    void contributesTheThreeBuiltInMaterializers() {
        BuiltInPlugin plugin = new BuiltInPlugin();
        assertThat(plugin.builtIn()).isTrue();
        assertThat(plugin.artifactStoreProviders()).isEmpty();
        assertThat(plugin.materializers()).extracting(Materializer::id).containsExactly("cairn.json", "cairn.bytes", "cairn.npy");
        assertThat(plugin.materializers()).extracting(Materializer::version).containsOnly("1");
    }
}
