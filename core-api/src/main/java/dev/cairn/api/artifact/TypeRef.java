package dev.cairn.api.artifact;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

import org.apiguardian.api.API;

/**
 * A full generic type captured by an anonymous subclass, for typed loads without an unchecked cast at the call site:
 * {@code List<Row> rows = version.load(new TypeRef<List<Row>>() {});}.
 *
 * @param <T> the type to capture; must be a concrete type, not a type variable
 */
@API(status = API.Status.STABLE, since = "0.1")
public abstract class TypeRef<T> {
    private final Type type;

    /**
     * Captures the type argument of the anonymous subclass.
     *
     * @throws IllegalArgumentException when the subclass does not give a type argument (a programming error)
     */
    protected TypeRef() {
        Type superclass = getClass().getGenericSuperclass();
        if (!(superclass instanceof ParameterizedType parameterized) || parameterized.getRawType() != TypeRef.class) {
            throw new IllegalArgumentException("Create a TypeRef as an anonymous subclass with a type argument: new TypeRef<List<Row>>() {}");
        }
        this.type = requireNonNull(parameterized.getActualTypeArguments()[0], "type argument is null");
    }

    /** The captured type. */
    public final Type type() {
        return type;
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof TypeRef<?> other && type.equals(other.type);
    }

    @Override
    public final int hashCode() {
        return type.hashCode();
    }

    @Override
    public final String toString() {
        return "TypeRef[" + type.getTypeName() + "]";
    }
}
