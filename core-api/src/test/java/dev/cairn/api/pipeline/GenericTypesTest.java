package dev.cairn.api.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class GenericTypesTest {
    @SuppressWarnings("unused")
    private static void signatures(List<String> strings, List<Integer> integers, ArrayList<String> arrayList, Collection<? extends CharSequence> chars,
            Map<String, List<Integer>> nested, Map<String, List<String>> otherNested, int primitive, Integer boxed, List<?> wildcard) {}

    private static Type type(int index) throws Exception {
        return GenericTypesTest.class.getDeclaredMethod("signatures", List.class, List.class, ArrayList.class, Collection.class, Map.class, Map.class,
                int.class, Integer.class, List.class).getGenericParameterTypes()[index];
    }

    @Test
    void comparesTypeArguments() throws Exception {
        assertThat(GenericTypes.isAssignable(type(0), type(0))).isTrue();
        assertThat(GenericTypes.isAssignable(type(0), type(1))).isFalse();
        assertThat(GenericTypes.isAssignable(type(2), type(0))).as("ArrayList<String> to List<String>").isTrue();
        assertThat(GenericTypes.isAssignable(type(2), type(1))).as("ArrayList<String> to List<Integer>").isFalse();
        assertThat(GenericTypes.isAssignable(type(0), type(3))).as("List<String> to Collection<? extends CharSequence>").isTrue();
        assertThat(GenericTypes.isAssignable(type(1), type(3))).isFalse();
        assertThat(GenericTypes.isAssignable(type(4), type(5))).isFalse();
        assertThat(GenericTypes.isAssignable(type(6), type(7))).as("int to Integer").isTrue();
        assertThat(GenericTypes.isAssignable(type(7), type(6))).as("Integer to int").isTrue();
        assertThat(GenericTypes.isAssignable(type(0), type(8))).as("List<String> to List<?>").isTrue();
        assertThat(GenericTypes.isAssignable(type(0), Object.class)).isTrue();
        assertThat(GenericTypes.isAssignable(String.class, Integer.class)).isFalse();
    }
}
