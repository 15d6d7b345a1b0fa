package dev.cairn.materializers.arrow;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/** Captures a generic type in tests: {@code new TypeLiteral<List<Row>>() {}.type()}. */
abstract class TypeLiteral<T> {
    Type type() {
        return ((ParameterizedType) getClass().getGenericSuperclass()).getActualTypeArguments()[0];
    }
}
