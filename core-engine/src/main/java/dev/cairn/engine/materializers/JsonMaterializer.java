package dev.cairn.engine.materializers;

import dev.cairn.api.MetadataKeys;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.artifact.VisualizationType;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.api.spi.Materializer;
import dev.cairn.engine.json.JsonCodec;
import org.apiguardian.api.API;

/**
 * Stores values as one canonical JSON file, {@code data.json} (properties and map entries sorted, ISO-8601
 * dates), and loads them back as their full generic type, so a {@code List<Row>} of records comes back as
 * records.
 *
 * <p>Savable types: booleans, numbers ({@code Byte}, {@code Short}, {@code Integer}, {@code Long}, {@code Float},
 * {@code Double}, {@code BigDecimal}, {@code BigInteger}), {@code Character}, {@code String}, enums,
 * {@code Instant}, {@code LocalDate}, {@code LocalDateTime}, {@code UUID}, records of savable types, and
 * {@code List}, {@code Set}, {@code Collection}, {@code Map} (keys: strings, enums, numbers), {@code Optional}
 * and arrays of savable types, checked over the type arguments: {@code List<Row>} is savable,
 * {@code List<Thread>} is not; raw containers and {@code Object} type arguments hold JSON's own values (strings,
 * booleans, {@code Integer}, finite {@code Double}, lists, string-keyed maps; a {@code Long} or {@code BigInteger}
 * too large for the smaller type): any other value there, which JSON would not give back equal (a {@code Thread}, a
 * bean, a record, a {@code Long 5}, a {@code Float}), fails the save with {@code MATERIALIZER_FAILED} naming where it
 * sits and its type, before anything is written ({@link JsonRoundTrip}). Classes of
 * the user's own are savable when concrete and either annotated for Jackson or a bean with a public no-argument
 * constructor and a public getter/setter pair. A double NaN or infinity is stored as the string
 * {@code "NaN"}/{@code "Infinity"} and read back as the double; under an {@code Object} type argument it is refused.
 *
 * <p>Thread-safe and stateless.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class JsonMaterializer implements Materializer<Object> {
    /** The id recorded with every artifact it writes. */
    public static final String ID = "cairn.json";
    /** The file it writes. */
    public static final String FILE_NAME = "data.json";

    static final int PREVIEW_LIMIT_BYTES = 64 * 1024;
    static final int MARKDOWN_ROWS = 20;
    static final int CSV_ROWS = 1_000;

    private static final List<Class<?>> HANDLED_TYPES = List.of(
            Boolean.class, Byte.class, Short.class, Integer.class, Long.class, Float.class, Double.class,
            BigDecimal.class, BigInteger.class, Character.class, String.class, Enum.class,
            Instant.class, LocalDate.class, LocalDateTime.class, UUID.class, Record.class,
            List.class, Set.class, Collection.class, Map.class, Optional.class,
            OptionalInt.class, OptionalLong.class, OptionalDouble.class,
            Object.class);

    private final ObjectMapper mapper;
    private final ObjectWriter prettyWriter;
    private final JsonSavableTypes savableTypes;
    private final JsonRoundTrip roundTrip;

    public JsonMaterializer() {
        this.mapper = ((JsonMapper) JsonCodec.newCanonicalMapper()).rebuild()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                .build();
        this.prettyWriter = mapper.writerWithDefaultPrettyPrinter();
        this.savableTypes = new JsonSavableTypes(mapper.getTypeFactory());
        this.roundTrip = new JsonRoundTrip(mapper.getTypeFactory());
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public List<Class<?>> handledTypes() {
        return HANDLED_TYPES;
    }

    /** Whether every part of {@code type} round-trips through JSON; see the class description. */
    @Override
    public boolean canSave(Type type) {
        requireNonNull(type, "type is null");
        return savableTypes.isSavable(type);
    }

    @Override
    public void save(Object value, ArtifactWriter writer) throws IOException {
        requireNonNull(value, "value is null");
        requireNonNull(writer, "writer is null");
        Optional<String> lossy = roundTrip.problem(value, mapper.constructType(writer.type()));
        if (lossy.isPresent()) {
            throw MaterializerFailure.saving(ID, writer.artifactName(), writer.type(), lossy.get());
        }
        try (OutputStream out = writer.create(FILE_NAME)) {
            mapper.writeValue(out, value);
        } catch (JsonProcessingException e) {
            throw MaterializerFailure.saving(ID, writer.artifactName(), writer.type(), describe(e), e);
        }
    }

    /** Reads {@code data.json} as the full generic {@code type}; a file that does not match it fails with {@code MATERIALIZER_FAILED}. */
    @Override
    public Object load(Type type, ArtifactReader reader) throws IOException {
        requireNonNull(type, "type is null");
        requireNonNull(reader, "reader is null");
        JavaType javaType = mapper.constructType(type);
        Object value;
        try (InputStream in = reader.open(FILE_NAME)) {
            value = mapper.readValue(in, javaType);
        } catch (JsonProcessingException e) {
            throw MaterializerFailure.loading(ID, reader.artifactName(), type, "file " + FILE_NAME + " does not hold a "
                    + type.getTypeName() + ": " + describe(e), e);
        }
        if (value == null) {
            throw MaterializerFailure.loading(ID, reader.artifactName(), type, "file " + FILE_NAME + " holds null");
        }
        return value;
    }

    /**
     * {@code value} for numbers, booleans and enums; {@code length} for strings, collections and arrays, with
     * {@code min}, {@code max} and {@code mean} when all elements are numbers; {@code size} for maps;
     * {@code field_count} for records; {@code present} (and the content's metadata) for optionals.
     */
    @Override
    public Map<String, Object> extractMetadata(Object value) {
        requireNonNull(value, "value is null");
        Map<String, Object> metadata = new LinkedHashMap<>();
        describe(value, metadata);
        return metadata;
    }

    /**
     * A {@code preview} of the value as pretty-printed JSON (at most 64 KiB: a longer one becomes a Markdown
     * {@code preview} holding the first 64 KiB and a note), and for a collection or array of records a
     * {@code table} as Markdown (first 20 rows) and as CSV (first 1,000 rows).
     */
    @Override
    public List<Visualization> visualizations(Object value) {
        requireNonNull(value, "value is null");
        List<Visualization> visualizations = new ArrayList<>();
        visualizations.add(preview(value));
        recordTable(value).ifPresent(table -> {
            visualizations.add(Visualization.text("table", VisualizationType.MARKDOWN, table.toMarkdown(MARKDOWN_ROWS)));
            visualizations.add(Visualization.text("table", VisualizationType.CSV, table.toCsv(CSV_ROWS)));
        });
        return visualizations;
    }

    private void describe(Object value, Map<String, Object> metadata) {
        if (value instanceof Double d) {
            metadata.put(MetadataKeys.VALUE, NumericSummary.jsonNumber(d));
        } else if (value instanceof Float f) {
            metadata.put(MetadataKeys.VALUE, NumericSummary.jsonNumber(f));
        } else if (value instanceof Number || value instanceof Boolean) {
            metadata.put(MetadataKeys.VALUE, value);
        } else if (value instanceof Enum<?> e) {
            metadata.put(MetadataKeys.VALUE, e.name());
        } else if (value instanceof CharSequence text) {
            metadata.put(MetadataKeys.LENGTH, text.length());
        } else if (value instanceof Collection<?> collection) {
            metadata.put(MetadataKeys.LENGTH, collection.size());
            summarize(collection).ifPresent(summary -> summary.putInto(metadata));
        } else if (value instanceof Map<?, ?> map) {
            metadata.put(MetadataKeys.SIZE, map.size());
        } else if (value.getClass().isArray()) {
            int length = Array.getLength(value);
            metadata.put(MetadataKeys.LENGTH, length);
            List<Object> elements = new ArrayList<>(length);
            for (int i = 0; i < length; i++) {
                elements.add(Array.get(value, i));
            }
            summarize(elements).ifPresent(summary -> summary.putInto(metadata));
        } else if (value instanceof Record) {
            metadata.put(MetadataKeys.FIELD_COUNT, value.getClass().getRecordComponents().length);
        } else if (value instanceof Optional<?> optional) {
            metadata.put(MetadataKeys.PRESENT, optional.isPresent());
            optional.ifPresent(content -> describe(content, metadata));
        }
    }

    private static Optional<NumericSummary> summarize(Collection<?> elements) {
        NumericSummary summary = new NumericSummary();
        for (Object element : elements) {
            if (element == null) {
                continue;
            }
            if (!(element instanceof Number number) || !summary.add(number)) {
                return Optional.empty();
            }
        }
        return summary.count() == 0 ? Optional.empty() : Optional.of(summary);
    }

    private Visualization preview(Object value) {
        BoundedByteSink sink = new BoundedByteSink(PREVIEW_LIMIT_BYTES);
        try {
            prettyWriter.writeValue(sink, value);
        } catch (IOException e) {
            return Visualization.text("preview", VisualizationType.MARKDOWN, "_No preview: the value cannot be written as JSON ("
                    + e.getClass().getSimpleName() + ")._\n");
        }
        if (!sink.truncated()) {
            return Visualization.binary("preview", VisualizationType.JSON, sink.bytes());
        }
        String json = new String(sink.bytes(), StandardCharsets.UTF_8);
        String fence = "`".repeat(Math.max(3, longestBacktickRun(json) + 1));
        String markdown = "_Preview truncated: the first " + sink.bytes().length + " of " + sink.total()
                + " bytes of the JSON are shown._\n\n" + fence + "json\n" + json + "\n" + fence + "\n";
        return Visualization.text("preview", VisualizationType.MARKDOWN, markdown);
    }

    private static int longestBacktickRun(String text) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = text.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    private Optional<TextTable> recordTable(Object value) {
        Iterable<?> elements;
        if (value instanceof Collection<?> collection) {
            elements = collection;
        } else if (value instanceof Object[] array && Record.class.isAssignableFrom(array.getClass().getComponentType())) {
            elements = Arrays.asList(array);
        } else {
            return Optional.empty();
        }
        int limit = Math.max(MARKDOWN_ROWS, CSV_ROWS);
        List<Object> head = new ArrayList<>();
        long total = 0;
        Class<?> recordClass = null;
        for (Object element : elements) {
            if (element == null) {
                continue;
            }
            if (recordClass == null) {
                recordClass = element.getClass();
            }
            if (!(element instanceof Record) || element.getClass() != recordClass) {
                return Optional.empty();
            }
            if (head.size() < limit) {
                head.add(element);
            }
            total++;
        }
        if (recordClass == null) {
            return Optional.empty();
        }
        RecordComponent[] components = recordClass.getRecordComponents();
        for (RecordComponent component : components) {
            if (!component.getAccessor().trySetAccessible()) {
                return Optional.empty();
            }
        }
        List<String> header = Arrays.stream(components).map(RecordComponent::getName).toList();
        List<List<String>> rows = new ArrayList<>();
        for (Object element : head) {
            List<String> row = new ArrayList<>(components.length);
            for (RecordComponent component : components) {
                try {
                    row.add(cell(component.getAccessor().invoke(element)));
                } catch (ReflectiveOperationException | JsonProcessingException | RuntimeException e) {
                    return Optional.empty();
                }
            }
            rows.add(row);
        }
        return Optional.of(new TextTable(header, rows, total));
    }

    private String cell(Object value) throws JsonProcessingException {
        if (value == null) {
            return "";
        }
        if (value instanceof CharSequence || value instanceof Number || value instanceof Boolean || value instanceof Character
                || value instanceof UUID || value instanceof Instant || value instanceof LocalDate || value instanceof LocalDateTime) {
            return value.toString();
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        return mapper.writeValueAsString(value);
    }

    private static String describe(JsonProcessingException e) {
        StringBuilder message = new StringBuilder(String.valueOf(e.getOriginalMessage()));
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            message.append(" (at ").append(mapping.getPathReference()).append(')');
        }
        JsonLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0) {
            message.append(" (line ").append(location.getLineNr()).append(", column ").append(location.getColumnNr()).append(')');
        }
        return message.toString();
    }
}
