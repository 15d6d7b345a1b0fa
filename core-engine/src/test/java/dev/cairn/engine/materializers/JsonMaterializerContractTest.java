package dev.cairn.engine.materializers;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.cairn.api.spi.Materializer;
import dev.cairn.testkit.MaterializerContract;

/** The materializer contract for {@link JsonMaterializer}: scalars, records, collections and optionals. */
class JsonMaterializerContractTest extends MaterializerContract<Object> {
    enum Kind { TRAIN, TEST }

    record Point(int x, int y) {}

    record Split(String name, Kind kind, List<Point> points, Map<String, Double> weights, Optional<String> note) {}

    private final JsonMaterializer materializer = new JsonMaterializer();

    @Override
    protected Materializer<Object> materializer() {
        return materializer;
    }

    @Override
    protected List<Sample<Object>> samples() {
        return samplesOf(
                Sample.of(String.class, "héllo, \"wörld\" ✓"),
                Sample.of(Long.class, Long.MAX_VALUE),
                Sample.of(BigDecimal.class, new BigDecimal("12345.678900")),
                Sample.of(Instant.class, Instant.parse("2024-02-29T12:34:56.123456789Z")),
                Sample.of(Kind.class, Kind.TEST),
                Sample.of(Point.class, new Point(3, -4)),
                Sample.of(parameterized(List.class, Point.class), List.of(new Point(1, 2), new Point(3, 4))),
                Sample.of(parameterized(Set.class, String.class), Set.of("a", "b", "c")),
                Sample.of(parameterized(Map.class, String.class, Integer.class), Map.of("b", 2, "a", 1)),
                Sample.of(Split.class, new Split("train", Kind.TRAIN, List.of(new Point(0, 0)), Map.of("w", 0.5), Optional.of("ok"))));
    }

    /** A JSON number or an enum name cut in half is still a valid, shorter value: only the manifest hash notices. */
    @Override
    protected boolean detectsTruncation(Sample<Object> sample) {
        return !(sample.value() instanceof Number);
    }

    private static Type parameterized(Class<?> raw, Type... arguments) {
        return new ParameterizedType() {
            @Override
            public Type[] getActualTypeArguments() {
                return arguments.clone();
            }

            @Override
            public Type getRawType() {
                return raw;
            }

            @Override
            public Type getOwnerType() {
                return null;
            }

            @Override
            public String getTypeName() {
                StringBuilder name = new StringBuilder(raw.getTypeName()).append('<');
                for (int i = 0; i < arguments.length; i++) {
                    name.append(i == 0 ? "" : ", ").append(arguments[i].getTypeName());
                }
                return name.append('>').toString();
            }
        };
    }
}
