package dev.cairn.engine.materializers;

import static dev.cairn.engine.materializers.TestingPlugin.builtIn;
import static dev.cairn.engine.materializers.TestingPlugin.plugin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.lang.reflect.Type;
import java.util.AbstractCollection;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.Materializer;
import org.junit.jupiter.api.Test;

class MaterializerRegistryTest {
    interface Shape {}

    interface Polygon extends Shape {}

    static class Base implements Shape {}

    static final class Square extends Base implements Polygon {}

    public record Row(int id, String name) {}

    public enum Unit { METRE, FOOT }

    private final MaterializerRegistry builtIns = MaterializerRegistry.of(List.of(new BuiltInPlugin()));

    @Test
    void looksUpTheClassThenSuperclassesThenInterfacesThenObject() {
        assertThat(MaterializerRegistry.lookupOrder(Square.class)).containsExactly(Square.class, Base.class, Polygon.class, Shape.class, Object.class);
        assertThat(MaterializerRegistry.lookupOrder(ArrayList.class)).startsWith(ArrayList.class, AbstractList.class,
                AbstractCollection.class, List.class).endsWith(Object.class);
        assertThat(MaterializerRegistry.lookupOrder(double[].class)).containsExactly(double[].class, Cloneable.class, Serializable.class, Object.class);
        assertThat(MaterializerRegistry.lookupOrder(List.class)).containsExactly(List.class, Collection.class, Iterable.class, Object.class);
    }

    @Test
    void exactClassBeatsSuperclassEvenFromABuiltIn() {
        MaterializerRegistry registry = MaterializerRegistry.of(List.of(
                builtIn("core", new TestingMaterializer("square", Square.class)),
                plugin("third-party", new TestingMaterializer("base", Base.class))));
        assertThat(registry.resolve(Square.class).id()).isEqualTo("square");
        assertThat(registry.resolve(Base.class).id()).isEqualTo("base");
    }

    @Test
    void superclassBeatsInterfaceAndInterfaceBeatsObject() {
        MaterializerRegistry registry = MaterializerRegistry.of(List.of(
                builtIn("core", new TestingMaterializer("base", Base.class), new TestingMaterializer("anything", Object.class)),
                plugin("third-party", new TestingMaterializer("polygon", Polygon.class), new TestingMaterializer("shape", Shape.class))));
        assertThat(registry.resolve(Square.class).id()).isEqualTo("base");
        assertThat(registry.resolve(Polygon.class).id()).isEqualTo("polygon");
        MaterializerRegistry withoutBase = MaterializerRegistry.of(List.of(
                builtIn("core", new TestingMaterializer("anything", Object.class)),
                plugin("third-party", new TestingMaterializer("shape", Shape.class))));
        assertThat(withoutBase.resolve(Square.class).id()).isEqualTo("shape");
    }

    @Test
    void pluginBeatsBuiltInAtTheSameLevel() {
        MaterializerRegistry registry = MaterializerRegistry.of(List.of(
                new BuiltInPlugin(),
                plugin("fast-rows", new TestingMaterializer("rows.parquet", List.class))));
        Type rows = new TypeReference<List<Row>>() {}.getType();
        assertThat(registry.resolve(rows).id()).isEqualTo("rows.parquet");
        assertThat(registry.resolve(String.class).id()).isEqualTo(JsonMaterializer.ID); // more specific built-in still wins
    }

    @Test
    void pluginForObjectOnlyCatchesWhatNothingMoreSpecificHandles() {
        MaterializerRegistry registry = MaterializerRegistry.of(List.of(
                new BuiltInPlugin(),
                plugin("catch-all", new TestingMaterializer("everything", Object.class))));
        assertThat(registry.resolve(Thread.class).id()).isEqualTo("everything");
        assertThat(registry.resolve(Row.class).id()).isEqualTo(JsonMaterializer.ID); // records resolve at Record
        assertThat(registry.resolve(Integer.class).id()).isEqualTo(JsonMaterializer.ID);
        assertThat(registry.resolve(byte[].class).id()).isEqualTo(BytesMaterializer.ID);
    }

    @Test
    void twoPluginsAtTheSameLevelAreAmbiguous() {
        MaterializerRegistry registry = MaterializerRegistry.of(List.of(
                new BuiltInPlugin(),
                plugin("alpha", new TestingMaterializer("alpha.rows", List.class)),
                plugin("beta", new TestingMaterializer("beta.rows", List.class))));
        Type rows = new TypeReference<List<Row>>() {}.getType();
        assertThatThrownBy(() -> registry.resolve(rows))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.AMBIGUOUS_MATERIALIZER))
                .hasMessageContaining("java.util.List<" + Row.class.getName() + ">")
                .hasMessageContaining("alpha.rows")
                .hasMessageContaining("beta.rows")
                .hasMessageContaining("StepOptions.builder().materializer(output, id)");
    }

    @Test
    void twoPluginsAtTheSameLevelAreFineWhenOnlyOneAcceptsTheType() {
        Type rows = new TypeReference<List<Row>>() {}.getType();
        Type strings = new TypeReference<List<String>>() {}.getType();
        MaterializerRegistry registry = MaterializerRegistry.of(List.of(
                plugin("alpha", new TestingMaterializer("alpha.rows", type -> type.equals(rows), List.class)),
                plugin("beta", new TestingMaterializer("beta.strings", type -> type.equals(strings), List.class))));
        assertThat(registry.resolve(rows).id()).isEqualTo("alpha.rows");
        assertThat(registry.resolve(strings).id()).isEqualTo("beta.strings");
    }

    @Test
    void aMaterializerThatRefusesTheFullTypeGivesWayToALessSpecificOne() {
        Type rows = new TypeReference<ArrayList<Row>>() {}.getType();
        MaterializerRegistry registry = MaterializerRegistry.of(List.of(
                plugin("picky", new TestingMaterializer("array-lists-of-strings", type -> false, ArrayList.class)),
                builtIn("core", new TestingMaterializer("lists", List.class))));
        assertThat(registry.resolve(rows).id()).isEqualTo("lists");
    }

    @Test
    void noMaterializerSaysHowToAddOne() {
        assertThatThrownBy(() -> builtIns.resolve(Thread.class))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NO_MATERIALIZER))
                .hasMessageContaining("No materializer can store type java.lang.Thread")
                .hasMessageContaining("implement dev.cairn.api.spi.Materializer")
                .hasMessageContaining("dev.cairn.api.spi.CairnPlugin")
                .hasMessageContaining("META-INF/services/dev.cairn.api.spi.CairnPlugin")
                .hasMessageContaining("never falls back to Java serialization");
    }

    @Test
    void listOfRecordsIsSavableButListOfThreadsIsNot() {
        assertThat(builtIns.resolve(new TypeReference<List<Row>>() {}.getType()).id()).isEqualTo(JsonMaterializer.ID);
        Type threads = new TypeReference<List<Thread>>() {}.getType();
        assertThatThrownBy(() -> builtIns.resolve(threads))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NO_MATERIALIZER))
                .hasMessageContaining("java.util.List<java.lang.Thread>")
                .hasMessageContaining("refused for this type: cairn.json");
    }

    @Test
    void resolvesTheBuiltInTypes() {
        assertThat(builtIns.resolve(int.class)).isSameAs(builtIns.resolve(Integer.class));
        assertThat(builtIns.resolve(int.class).id()).isEqualTo(JsonMaterializer.ID);
        assertThat(builtIns.resolve(byte[].class).id()).isEqualTo(BytesMaterializer.ID);
        assertThat(builtIns.resolve(double[][].class).id()).isEqualTo(NpyMaterializer.ID);
        assertThat(builtIns.resolve(boolean[].class).id()).isEqualTo(NpyMaterializer.ID);
        assertThat(builtIns.resolve(String[].class).id()).isEqualTo(JsonMaterializer.ID);
        assertThat(builtIns.resolve(Row.class).id()).isEqualTo(JsonMaterializer.ID);
        assertThat(builtIns.resolve(Unit.class).id()).isEqualTo(JsonMaterializer.ID);
        assertThat(builtIns.resolve(new TypeReference<Map<Unit, Optional<Row>>>() {}.getType()).id()).isEqualTo(JsonMaterializer.ID);
        assertThat(builtIns.resolve(new TypeReference<Set<Row>>() {}.getType()).id()).isEqualTo(JsonMaterializer.ID);
        assertThat(builtIns.resolve(new TypeReference<HashSet<Row>>() {}.getType()).id()).isEqualTo(JsonMaterializer.ID);
    }

    @Test
    void primitiveTypesAreAskedAboutAsTheirWrappers() {
        List<Type> asked = new ArrayList<>();
        MaterializerRegistry registry = MaterializerRegistry.of(List.of(plugin("numbers",
                new TestingMaterializer("ints", type -> asked.add(type), int.class))));
        assertThat(registry.resolve(int.class).id()).isEqualTo("ints");
        assertThat(asked).containsExactly(Integer.class);
    }

    @Test
    void cachesResolutionsPerType() throws Exception {
        TestingMaterializer counting = new TestingMaterializer("counting", Base.class);
        MaterializerRegistry registry = MaterializerRegistry.of(List.of(plugin("p", counting)));
        List<Callable<Materializer<?>>> calls = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            calls.add(() -> registry.resolve(Base.class));
        }
        ExecutorService executor = Executors.newFixedThreadPool(8);
        try {
            for (Future<Materializer<?>> result : executor.invokeAll(calls)) {
                assertThat(result.get()).isSameAs(counting);
            }
        } finally {
            executor.shutdownNow();
        }
        int callsAfterWarmUp = counting.canSaveCalls();
        assertThat(callsAfterWarmUp).isBetween(1, 8);
        registry.resolve(Base.class);
        assertThat(counting.canSaveCalls()).isEqualTo(callsAfterWarmUp);
    }

    @Test
    void findsMaterializersById() {
        assertThat(builtIns.byId("cairn.npy")).isInstanceOf(NpyMaterializer.class);
        assertThat(builtIns.forLoad("cairn.bytes")).isInstanceOf(BytesMaterializer.class);
        assertThatThrownBy(() -> builtIns.byId("cairn.parquet"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NO_MATERIALIZER))
                .hasMessageContaining("'cairn.parquet'")
                .hasMessageContaining("[cairn.bytes, cairn.json, cairn.npy]");
        assertThatThrownBy(() -> builtIns.forLoad("acme.model"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NO_MATERIALIZER))
                .hasMessageContaining("written by materializer 'acme.model'")
                .hasMessageContaining("[cairn.bytes, cairn.json, cairn.npy]");
    }

    @Test
    void refusesTwoMaterializersWithOneId() {
        assertThatThrownBy(() -> MaterializerRegistry.of(List.of(new BuiltInPlugin(),
                plugin("impostor", new TestingMaterializer("cairn.json", String.class)))))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("'cairn.json'")
                .hasMessageContaining("impostor")
                .hasMessageContaining("cairn-built-in");
    }

    @Test
    void reportsAMaterializerWhoseCanSaveThrows() {
        MaterializerRegistry registry = MaterializerRegistry.of(List.of(plugin("broken",
                new TestingMaterializer("broken", type -> { throw new IllegalStateException("bug"); }, Base.class))));
        assertThatThrownBy(() -> registry.resolve(Base.class))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("broken")
                .hasMessageContaining("bug");
    }
}
