package dev.cairn.engine.types;

import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/** Turns the generic type names Cairn records ({@code java.util.List<com.acme.Row>}) back into {@link Type}s. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class TypeNames {
    private static final Map<String, Class<?>> PRIMITIVES = Map.of(
            "int", int.class, "long", long.class, "double", double.class, "float", float.class,
            "boolean", boolean.class, "char", char.class, "byte", byte.class, "short", short.class, "void", void.class);

    private TypeNames() {}

    /**
     * Parses a name produced by {@link Type#getTypeName()}.
     *
     * @throws CairnException {@code TYPE_MISMATCH} when a class cannot be loaded by {@code loader}
     */
    public static Type parse(String name, ClassLoader loader) {
        Parser parser = new Parser(name, loader);
        Type type = parser.type();
        if (parser.position != name.length()) {
            throw new IllegalArgumentException("Unexpected text at " + parser.position + " in type name " + name);
        }
        return type;
    }

    private static final class Parser {
        private final String text;
        private final ClassLoader loader;
        private int position;

        Parser(String text, ClassLoader loader) {
            this.text = text;
            this.loader = loader;
        }

        Type type() {
            skipSpaces();
            if (text.startsWith("?", position)) {
                position++;
                skipSpaces();
                if (text.startsWith("extends ", position)) {
                    position += "extends ".length();
                    return new Wildcard(new Type[] {type()}, new Type[0]);
                }
                if (text.startsWith("super ", position)) {
                    position += "super ".length();
                    return new Wildcard(new Type[] {Object.class}, new Type[] {type()});
                }
                return new Wildcard(new Type[] {Object.class}, new Type[0]);
            }
            int start = position;
            while (position < text.length() && "<>,[] ".indexOf(text.charAt(position)) < 0) {
                position++;
            }
            String className = text.substring(start, position);
            Type type = load(className);
            if (position < text.length() && text.charAt(position) == '<') {
                position++;
                List<Type> arguments = new ArrayList<>();
                while (true) {
                    arguments.add(type());
                    skipSpaces();
                    char c = text.charAt(position++);
                    if (c == '>') {
                        break;
                    }
                    if (c != ',') {
                        throw new IllegalArgumentException("Expected ',' or '>' in type name " + text);
                    }
                }
                type = new Parameterized((Class<?>) type, arguments.toArray(Type[]::new), null);
            }
            while (text.startsWith("[]", position)) {
                position += 2;
                type = type instanceof Class<?> c ? Array.newInstance(c, 0).getClass() : new GenericArray(type);
            }
            return type;
        }

        private void skipSpaces() {
            while (position < text.length() && text.charAt(position) == ' ') {
                position++;
            }
        }

        private Class<?> load(String className) {
            Class<?> primitive = PRIMITIVES.get(className);
            if (primitive != null) {
                return primitive;
            }
            try {
                return Class.forName(className, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new CairnException(ErrorCode.TYPE_MISMATCH,
                        "Class " + className + " (from stored type " + text + ") is not on the class path: add the jar that defines it, or load the artifact as another type with load(Type)", e);
            }
        }
    }

    record Parameterized(Class<?> raw, Type[] arguments, Type owner) implements ParameterizedType {
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
            return owner == null ? raw.getDeclaringClass() : owner;
        }

        @Override
        public String getTypeName() {
            StringBuilder out = new StringBuilder(raw.getName()).append('<');
            for (int i = 0; i < arguments.length; i++) {
                out.append(i == 0 ? "" : ", ").append(arguments[i].getTypeName());
            }
            return out.append('>').toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ParameterizedType other && raw.equals(other.getRawType())
                    && Arrays.equals(arguments, other.getActualTypeArguments()) && Objects.equals(getOwnerType(), other.getOwnerType());
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(arguments) ^ Objects.hashCode(getOwnerType()) ^ raw.hashCode();
        }

        @Override
        public String toString() {
            return getTypeName();
        }
    }

    record GenericArray(Type component) implements GenericArrayType {
        @Override
        public Type getGenericComponentType() {
            return component;
        }

        @Override
        public String getTypeName() {
            return component.getTypeName() + "[]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof GenericArrayType other && component.equals(other.getGenericComponentType());
        }

        @Override
        public int hashCode() {
            return component.hashCode();
        }
    }

    record Wildcard(Type[] upper, Type[] lower) implements WildcardType {
        @Override
        public Type[] getUpperBounds() {
            return upper.clone();
        }

        @Override
        public Type[] getLowerBounds() {
            return lower.clone();
        }

        @Override
        public String getTypeName() {
            if (lower.length > 0) {
                return "? super " + lower[0].getTypeName();
            }
            return upper[0] == Object.class ? "?" : "? extends " + upper[0].getTypeName();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WildcardType other && Arrays.equals(upper, other.getUpperBounds()) && Arrays.equals(lower, other.getLowerBounds());
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(upper) ^ Arrays.hashCode(lower);
        }
    }
}
