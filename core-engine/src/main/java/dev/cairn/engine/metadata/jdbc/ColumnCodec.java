package dev.cairn.engine.metadata.jdbc;

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
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/**
 * How record fields are written to and read from columns: instants as INTEGER nanoseconds since the epoch
 * (exact round trip between 1677-09-21 and 2262-04-11), UUIDs as lower-case text, maps and lists as
 * canonical JSON text (map entries sorted by key, as the engine's canonical JSON). Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ColumnCodec {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final String EMPTY_OBJECT = "{}";
    private static final String EMPTY_ARRAY = "[]";
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    /** The engine's canonical JSON settings, repeated here so that this package depends on no engine internals. */
    private final ObjectMapper mapper = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new Jdk8Module())
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    /** Readers bound to their type once: decoding a small column costs a parse, not a type resolution. */
    private final ObjectReader mapReader = mapper.readerFor(MAP);
    private final ObjectReader stringListReader = mapper.readerFor(STRING_LIST);

    /** {@code field} and {@code owner} name the value in the error ("start time of", "step 'train'"). */
    public static long epochNanos(Instant instant, String field, Object owner) {
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), NANOS_PER_SECOND), instant.getNano());
        } catch (ArithmeticException e) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "The " + field + " " + owner + ", " + instant
                    + ", is outside the range the metadata store records (1677-09-21 to 2262-04-11)");
        }
    }

    public static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(0, epochNanos);
    }

    public static void setInstant(PreparedStatement statement, int index, Optional<Instant> instant, String field, Object owner)
            throws SQLException {
        if (instant.isPresent()) {
            statement.setLong(index, epochNanos(instant.get(), field, owner));
        } else {
            statement.setNull(index, Types.INTEGER);
        }
    }

    public static Optional<Instant> optionalInstant(ResultSet row, int column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? Optional.empty() : Optional.of(instant(value));
    }

    public static void setText(PreparedStatement statement, int index, Optional<String> text) throws SQLException {
        if (text.isPresent()) {
            statement.setString(index, text.get());
        } else {
            statement.setNull(index, Types.VARCHAR);
        }
    }

    public static Optional<String> optionalText(ResultSet row, int column) throws SQLException {
        return Optional.ofNullable(row.getString(column));
    }

    public static void setUuid(PreparedStatement statement, int index, Optional<UUID> id) throws SQLException {
        if (id.isPresent()) {
            statement.setString(index, id.get().toString());
        } else {
            statement.setNull(index, Types.VARCHAR);
        }
    }

    public static UUID uuid(ResultSet row, int column) throws SQLException {
        return UUID.fromString(row.getString(column));
    }

    public static Optional<UUID> optionalUuid(ResultSet row, int column) throws SQLException {
        String text = row.getString(column);
        return text == null ? Optional.empty() : Optional.of(UUID.fromString(text));
    }

    /** Canonical JSON of a map of JSON values; {@code field} and {@code owner} name it in the error when it is not JSON. */
    public String json(Map<String, Object> map, String field, Object owner) {
        if (map.isEmpty()) {
            return EMPTY_OBJECT;
        }
        try {
            return write(map);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "The " + field + " " + owner
                    + " cannot be stored as JSON; use strings, numbers, booleans, lists and maps: " + e.getMessage(), e);
        }
    }

    public String json(List<String> list) {
        if (list.isEmpty()) {
            return EMPTY_ARRAY;
        }
        return write(list);
    }

    public Map<String, Object> map(String json) {
        if (EMPTY_OBJECT.equals(json)) {
            return Map.of();
        }
        try {
            return mapReader.readValue(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> stringList(String json) {
        if (EMPTY_ARRAY.equals(json)) {
            return List.of();
        }
        try {
            return stringListReader.readValue(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
