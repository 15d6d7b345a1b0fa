package dev.cairn.dashboard.pages;

import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** JSON text for the API and for values shown on pages (parameters, metadata). */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /** Writes {@code <}, {@code >} and {@code &} as {@code \\u003C}-style escapes: the text can sit inside an HTML element. */
    private static final ObjectMapper HTML_SAFE = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    static {
        com.fasterxml.jackson.core.io.CharacterEscapes escapes = new com.fasterxml.jackson.core.io.CharacterEscapes() {
            private static final long serialVersionUID = 1L;
            private final int[] table;

            {
                table = standardAsciiEscapesForJSON();
                table['<'] = ESCAPE_STANDARD;
                table['>'] = ESCAPE_STANDARD;
                table['&'] = ESCAPE_STANDARD;
            }

            @Override
            public int[] getEscapeCodesForAscii() {
                return table;
            }

            @Override
            public com.fasterxml.jackson.core.SerializableString getEscapeSequence(int ch) {
                return null;
            }
        };
        HTML_SAFE.getFactory().setCharacterEscapes(escapes);
    }

    private Json() {}

    /** JSON text with no {@code <}, {@code >} or {@code &} outside escapes, for a data block inside a page. */
    public static String htmlSafe(Object value) {
        try {
            return HTML_SAFE.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A JSON value as compact text (a string value without quotes). */
    public static String text(Object value) {
        if (value instanceof String string) {
            return string;
        }
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    public static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    public static String instant(Instant instant) {
        return instant.toString();
    }

    public static String instant(Optional<Instant> instant) {
        return instant.map(Instant::toString).orElse(null);
    }
}
