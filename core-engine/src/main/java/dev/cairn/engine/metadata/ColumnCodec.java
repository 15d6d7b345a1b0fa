package dev.cairn.engine.metadata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.engine.json.JsonCodec;

/**
 * How record fields are written to and read from columns: instants as INTEGER nanoseconds since the epoch
 * (exact round trip between 1677-09-21 and 2262-04-11), UUIDs as lower-case text, maps and lists as
 * canonical JSON text. Thread-safe.
 */
final class ColumnCodec {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final String EMPTY_OBJECT = "{}";
    private static final String EMPTY_ARRAY = "[]";
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final ObjectMapper mapper = JsonCodec.newCanonicalMapper();
    /** Readers bound to their type once: decoding a small column costs a parse, not a type resolution. */
    private final ObjectReader mapReader = mapper.readerFor(MAP);
    private final ObjectReader stringListReader = mapper.readerFor(STRING_LIST);

    /** {@code field} and {@code owner} name the value in the error ("start time of", "step 'train'"). */
    static long epochNanos(Instant instant, String field, Object owner) {
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), NANOS_PER_SECOND), instant.getNano());
        } catch (ArithmeticException e) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "The " + field + " " + owner + ", " + instant
                    + ", is outside the range the metadata store records (1677-09-21 to 2262-04-11)");
        }
    }

    static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(0, epochNanos);
    }

    static void setInstant(PreparedStatement statement, int index, Optional<Instant> instant, String field, Object owner)
            throws SQLException {
        if (instant.isPresent()) {
            statement.setLong(index, epochNanos(instant.get(), field, owner));
        } else {
            statement.setNull(index, Types.INTEGER);
        }
    }

    static Optional<Instant> optionalInstant(ResultSet row, int column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? Optional.empty() : Optional.of(instant(value));
    }

    static void setText(PreparedStatement statement, int index, Optional<String> text) throws SQLException {
        if (text.isPresent()) {
            statement.setString(index, text.get());
        } else {
            statement.setNull(index, Types.VARCHAR);
        }
    }

    static Optional<String> optionalText(ResultSet row, int column) throws SQLException {
        return Optional.ofNullable(row.getString(column));
    }

    static void setUuid(PreparedStatement statement, int index, Optional<UUID> id) throws SQLException {
        if (id.isPresent()) {
            statement.setString(index, id.get().toString());
        } else {
            statement.setNull(index, Types.VARCHAR);
        }
    }

    static UUID uuid(ResultSet row, int column) throws SQLException {
        return UUID.fromString(row.getString(column));
    }

    static Optional<UUID> optionalUuid(ResultSet row, int column) throws SQLException {
        String text = row.getString(column);
        return text == null ? Optional.empty() : Optional.of(UUID.fromString(text));
    }

    /** Canonical JSON of a map of JSON values; {@code field} and {@code owner} name it in the error when it is not JSON. */
    String json(Map<String, Object> map, String field, Object owner) {
        if (map.isEmpty()) {
            return EMPTY_OBJECT;
        }
        try {
            return JsonCodec.write(mapper, map);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "The " + field + " " + owner
                    + " cannot be stored as JSON; use strings, numbers, booleans, lists and maps: " + e.getMessage(), e);
        }
    }

    String json(List<String> list) {
        if (list.isEmpty()) {
            return EMPTY_ARRAY;
        }
        return JsonCodec.write(mapper, list);
    }

    Map<String, Object> map(String json) {
        if (EMPTY_OBJECT.equals(json)) {
            return Map.of();
        }
        try {
            return mapReader.readValue(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> stringList(String json) {
        if (EMPTY_ARRAY.equals(json)) {
            return List.of();
        }
        try {
            return stringListReader.readValue(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
