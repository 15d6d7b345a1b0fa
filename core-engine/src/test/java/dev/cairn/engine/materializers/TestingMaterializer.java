package dev.cairn.engine.materializers;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.api.spi.Materializer;

/** A materializer for registry tests: registers for given classes, accepts types by a predicate, counts {@code canSave} calls. */
final class TestingMaterializer implements Materializer<Object> {
    private final String id;
    private final List<Class<?>> handledTypes;
    private final Predicate<Type> accepts;
    private final AtomicInteger canSaveCalls = new AtomicInteger();

    TestingMaterializer(String id, Class<?>... handledTypes) {
        this(id, type -> true, handledTypes);
    }

    TestingMaterializer(String id, Predicate<Type> accepts, Class<?>... handledTypes) {
        this.id = requireNonNull(id, "id is null");
        this.accepts = requireNonNull(accepts, "accepts is null");
        this.handledTypes = List.of(handledTypes);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public List<Class<?>> handledTypes() {
        return handledTypes;
    }

    @Override
    public boolean canSave(Type type) {
        canSaveCalls.incrementAndGet();
        return accepts.test(type);
    }

    @Override
    public void save(Object value, ArtifactWriter writer) throws IOException {
        try (OutputStream out = writer.create("value.txt")) {
            out.write(String.valueOf(value).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public Object load(Type type, ArtifactReader reader) {
        throw new UnsupportedOperationException("registry tests do not load");
    }

    int canSaveCalls() {
        return canSaveCalls.get();
    }
}
