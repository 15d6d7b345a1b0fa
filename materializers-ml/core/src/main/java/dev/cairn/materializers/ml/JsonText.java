package dev.cairn.materializers.ml;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apiguardian.api.API;

/**
 * A small, strict JSON reader and canonical writer, so this jar needs the JDK only. Parsed values are {@code Map}
 * (insertion-ordered), {@code List}, {@code String}, {@code Long} or {@code BigInteger} (integers), {@code Double}
 * (other numbers), {@code Boolean} and {@code null}. Written objects have their keys sorted. Nesting is limited to
 * 256 levels, so hostile input cannot overflow the stack.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class JsonText {
    private static final int MAX_DEPTH = 256;

    private final String text;
    private int position;

    private JsonText(String text) {
        this.text = text;
    }

    /** Parses one JSON value; {@link IllegalArgumentException} with the offset on malformed text. */
    public static Object parse(String text) {
        JsonText parser = new JsonText(text);
        parser.skipWhitespace();
        Object value = parser.value(0);
        parser.skipWhitespace();
        if (parser.position != text.length()) {
            throw parser.error("unexpected text after the JSON value");
        }
        return value;
    }

    /** Writes {@code value} (maps, collections, arrays of primitives, strings, numbers, booleans, records are not accepted) compactly with sorted keys. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, -1, 0, true);
        return out.toString();
    }

    /** Like {@link #write(Object)} but keeps each map's iteration order (for formats that fix their own key order). */
    public static String writeInOrder(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, -1, 0, false);
        return out.toString();
    }

    /** Like {@link #write(Object)} but indented by two spaces, one entry per line. */
    public static String writePretty(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 0, 0, true);
        return out.append('\n').toString();
    }

    private static void write(Object value, StringBuilder out, int indent, int depth, boolean sortKeys) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("JSON value nested more than " + MAX_DEPTH + " levels");
        }
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            quote(s, out);
        } else if (value instanceof Boolean b) {
            out.append(b);
        } else if (value instanceof Double d) {
            requireFinite(d);
            out.append(d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) + ".0" : d.toString());
        } else if (value instanceof Float f) {
            requireFinite(f.doubleValue());
            out.append(f.toString());
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof BigDecimal d) {
            out.append(d.toString());
        } else if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = sortKeys ? new TreeMap<>() : new LinkedHashMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> entry : sorted.entrySet()) {
                out.append(first ? "" : ",");
                newline(out, indent, depth + 1);
                quote(entry.getKey(), out);
                out.append(indent >= 0 ? ": " : ":");
                write(entry.getValue(), out, indent, depth + 1, sortKeys);
                first = false;
            }
            if (!first) {
                newline(out, indent, depth);
            }
            out.append('}');
        } else if (value instanceof Collection<?> || value instanceof long[] || value instanceof int[] || value instanceof double[]
                || value instanceof float[] || value instanceof Object[]) {
            List<Object> items = asList(value);
            out.append('[');
            for (int i = 0; i < items.size(); i++) {
                out.append(i == 0 ? "" : indent >= 0 ? ", " : ",");
                write(items.get(i), out, indent, depth + 1, sortKeys);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private static List<Object> asList(Object value) {
        List<Object> items = new ArrayList<>();
        if (value instanceof Collection<?> collection) {
            items.addAll(collection);
        } else if (value instanceof long[] longs) {
            for (long l : longs) {
                items.add(l);
            }
        } else if (value instanceof int[] ints) {
            for (int i : ints) {
                items.add(i);
            }
        } else if (value instanceof double[] doubles) {
            for (double d : doubles) {
                items.add(d);
            }
        } else if (value instanceof float[] floats) {
            for (float f : floats) {
                items.add(f);
            }
        } else {
            items.addAll(List.of((Object[]) value));
        }
        return items;
    }

    private static void requireFinite(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("JSON cannot represent " + d);
        }
    }

    private static void newline(StringBuilder out, int indent, int depth) {
        if (indent >= 0) {
            out.append('\n');
            out.append("  ".repeat(depth));
        }
    }

    /** {@code s} as a JSON string literal. */
    public static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2);
        quote(s, out);
        return out.toString();
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested more than " + MAX_DEPTH + " levels");
        }
        if (position >= text.length()) {
            throw error("unexpected end of text");
        }
        char c = text.charAt(position);
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                expect("true");
                return Boolean.TRUE;
            case 'f':
                expect("false");
                return Boolean.FALSE;
            case 'n':
                expect("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character '" + c + "'");
        }
    }

    private Map<String, Object> object(int depth) {
        position++;
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            position++;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            String key = string();
            skipWhitespace();
            if (peek() != ':') {
                throw error("expected ':'");
            }
            position++;
            skipWhitespace();
            if (map.containsKey(key)) {
                throw error("duplicate key \"" + key + "\"");
            }
            map.put(key, value(depth + 1));
            skipWhitespace();
            char c = peek();
            position++;
            if (c == '}') {
                return map;
            }
            if (c != ',') {
                position--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) {
        position++;
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            position++;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(value(depth + 1));
            skipWhitespace();
            char c = peek();
            position++;
            if (c == ']') {
                return list;
            }
            if (c != ',') {
                position--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() {
        position++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (position >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(position++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (position >= text.length()) {
                throw error("unterminated escape");
            }
            char e = text.charAt(position++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (position + 4 > text.length()) {
                        throw error("short \\u escape");
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad \\u escape");
                    }
                    position += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    private Object number() {
        int start = position;
        if (peek() == '-') {
            position++;
        }
        boolean integer = true;
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c >= '0' && c <= '9') {
                position++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integer = false;
                position++;
            } else {
                break;
            }
        }
        String literal = text.substring(start, position);
        try {
            if (integer) {
                BigInteger big = new BigInteger(literal);
                return big.bitLength() < 64 ? (Object) big.longValue() : big;
            }
            return Double.parseDouble(literal);
        } catch (NumberFormatException e) {
            position = start;
            throw error("bad number '" + literal + "'");
        }
    }

    private void expect(String word) {
        if (!text.startsWith(word, position)) {
            throw error("expected '" + word + "'");
        }
        position += word.length();
    }

    private char peek() {
        if (position >= text.length()) {
            throw error("unexpected end of text");
        }
        return text.charAt(position);
    }

    private void skipWhitespace() {
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            position++;
        }
    }

    private IllegalArgumentException error(String problem) {
        return new IllegalArgumentException("malformed JSON at offset " + position + ": " + problem);
    }
}
