package dev.cairn.engine.metadata.jdbc;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.MetadataValue;
import dev.cairn.api.metadata.MetadataTarget;
import org.apiguardian.api.API;

/**
 * Typed metadata logged onto artifact versions and runs ({@code logged_metadata}): each value is stored with its type
 * name and its JSON form ({@code {"v": …}}), and numbers also in {@code number_value} for range predicates. Every
 * method runs inside the caller's {@link SqlSession}. Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class LoggedMetadataRepository {
    private final ColumnCodec codec;

    public LoggedMetadataRepository(ColumnCodec codec) {
        this.codec = requireNonNull(codec, "codec is null");
    }

    public void log(SqlSession session, MetadataTarget target, UUID id, Map<String, MetadataValue> values, long at) throws SQLException {
        for (Map.Entry<String, MetadataValue> entry : values.entrySet()) {
            MetadataValue value = entry.getValue();
            String json = codec.json(Map.of("v", encode(value)), "metadata", entry.getKey());
            // a version's rows carry its creation time (immutable) for ArtifactQueryRepository's ordered scan; NULL for runs
            session.update("INSERT INTO logged_metadata (target_kind, target_id, key, type, value, number_value, logged_at, version_created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT a.created_at FROM artifact_versions a WHERE a.id = ? AND ? = 'ARTIFACT_VERSION'))",
                    statement -> {
                        statement.setString(1, target.name());
                        statement.setString(2, id.toString());
                        statement.setString(3, entry.getKey());
                        statement.setString(4, value.type());
                        statement.setString(5, json);
                        if (value instanceof MetadataValue.NumberValue number) {
                            statement.setDouble(6, number.value().doubleValue());
                        } else if (value instanceof MetadataValue.StorageSize size) {
                            statement.setDouble(6, size.bytes());
                        } else {
                            statement.setNull(6, Types.DOUBLE);
                        }
                        statement.setLong(7, at);
                        statement.setString(8, id.toString());
                        statement.setString(9, target.name());
                    });
        }
    }

    public Map<String, MetadataValue> list(SqlSession session, MetadataTarget target, UUID id) throws SQLException {
        Map<String, MetadataValue> values = new LinkedHashMap<>();
        for (Object[] row : session.list("SELECT key, type, value FROM logged_metadata WHERE target_kind = ? AND target_id = ? ORDER BY seq", statement -> {
            statement.setString(1, target.name());
            statement.setString(2, id.toString());
        }, row -> new Object[] {row.getString(1), row.getString(2), row.getString(3)})) {
            values.put((String) row[0], decode((String) row[1], codec.map((String) row[2]).get("v")));
        }
        return values;
    }

    /** The JSON form of a value; nested maps keep each entry's type. */
    static Object encode(MetadataValue value) {
        if (value instanceof MetadataValue.NumberValue number) {
            return number.value();
        } else if (value instanceof MetadataValue.StringValue string) {
            return string.value();
        } else if (value instanceof MetadataValue.BooleanValue bool) {
            return bool.value();
        } else if (value instanceof MetadataValue.UriValue uri) {
            return uri.value().toString();
        } else if (value instanceof MetadataValue.PathValue path) {
            return path.value();
        } else if (value instanceof MetadataValue.TimestampValue timestamp) {
            return timestamp.value().toString();
        } else if (value instanceof MetadataValue.Dimensions dimensions) {
            return dimensions.value();
        } else if (value instanceof MetadataValue.StorageSize size) {
            return size.bytes();
        } else {
            Map<String, Object> nested = new LinkedHashMap<>();
            ((MetadataValue.MapValue) value).value().forEach((key, inner) -> nested.put(key, Map.of("type", inner.type(), "v", encode(inner))));
            return nested;
        }
    }

    static MetadataValue decode(String type, Object json) {
        switch (type) {
            case "number":
                return new MetadataValue.NumberValue((Number) json);
            case "string":
                return new MetadataValue.StringValue((String) json);
            case "boolean":
                return new MetadataValue.BooleanValue((Boolean) json);
            case "uri":
                return new MetadataValue.UriValue(URI.create((String) json));
            case "path":
                return new MetadataValue.PathValue((String) json);
            case "timestamp":
                return new MetadataValue.TimestampValue(Instant.parse((String) json));
            case "dimensions": {
                List<Long> sizes = new ArrayList<>();
                for (Object size : (List<?>) json) {
                    sizes.add(((Number) size).longValue());
                }
                return new MetadataValue.Dimensions(sizes);
            }
            case "storage_size":
                return new MetadataValue.StorageSize(((Number) json).longValue());
            case "map": {
                Map<String, MetadataValue> nested = new LinkedHashMap<>();
                ((Map<?, ?>) json).forEach((key, inner) -> {
                    Map<?, ?> entry = (Map<?, ?>) inner;
                    nested.put((String) key, decode((String) entry.get("type"), entry.get("v")));
                });
                return new MetadataValue.MapValue(nested);
            }
            default:
                throw new CairnException(ErrorCode.METADATA_FAILURE, "Logged metadata has the unknown type '" + type
                        + "': it was written by a newer Cairn; upgrade to read it");
        }
    }
}
