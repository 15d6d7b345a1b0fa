package dev.cairn.engine.materializers;

import java.util.List;

import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.Materializer;

/** A plugin with a name, a built-in flag and a fixed list of materializers. */
record TestingPlugin(String name, boolean builtIn, List<Materializer<?>> materializers) implements CairnPlugin {
    static TestingPlugin plugin(String name, Materializer<?>... materializers) {
        return new TestingPlugin(name, false, List.of(materializers));
    }

    static TestingPlugin builtIn(String name, Materializer<?>... materializers) {
        return new TestingPlugin(name, true, List.of(materializers));
    }
}
