package com.example.cairnplugin;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.api.spi.Materializer;

/**
 * Stores {@link Properties} (string keys and values) as {@code data.properties}: a header line with the byte length of
 * the body, then one {@code key=value} line per entry, URL-encoded, sorted by key, so equal values give equal bytes.
 */
public final class PropertiesMaterializer implements Materializer<Properties> {
    private static final String FILE = "data.properties";
    private static final String HEADER = "#example.properties v1 bytes=";

    @Override
    public String id() {
        return "example.properties";
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public List<Class<?>> handledTypes() {
        return List.of(Properties.class);
    }

    @Override
    public void save(Properties value, ArtifactWriter writer) throws IOException {
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String> entry : strings(value, writer.artifactName()).entrySet()) {
            body.append(URLEncoder.encode(entry.getKey(), UTF_8)).append('=')
                    .append(URLEncoder.encode(entry.getValue(), UTF_8)).append('\n');
        }
        byte[] bytes = body.toString().getBytes(UTF_8);
        try (OutputStream out = writer.create(FILE)) {
            out.write((HEADER + bytes.length + "\n").getBytes(UTF_8));
            out.write(bytes);
        }
    }

    @Override
    public Properties load(Type type, ArtifactReader reader) throws IOException {
        if (type != Properties.class) {
            throw new CairnException(ErrorCode.TYPE_MISMATCH, "Artifact " + reader.artifactName()
                    + " holds Properties and cannot be loaded as " + type.getTypeName() + "; load it as java.util.Properties");
        }
        String text;
        try (InputStream in = reader.open(FILE)) {
            text = new String(in.readAllBytes(), UTF_8);
        }
        int newline = text.indexOf('\n');
        String header = newline < 0 ? text : text.substring(0, newline);
        String body = newline < 0 ? "" : text.substring(newline + 1);
        if (!header.equals(HEADER + body.getBytes(UTF_8).length)) {
            throw damaged(reader, "its header '" + header.substring(0, Math.min(header.length(), 60))
                    + "' does not announce the " + body.getBytes(UTF_8).length + " bytes that follow (truncated or corrupted)");
        }
        Properties properties = new Properties();
        for (String line : body.isEmpty() ? new String[0] : body.split("\n")) {
            int equals = line.indexOf('=');
            if (line.isEmpty() || equals < 0) {
                throw damaged(reader, "line '" + line + "' is not key=value");
            }
            try {
                properties.setProperty(URLDecoder.decode(line.substring(0, equals), UTF_8), URLDecoder.decode(line.substring(equals + 1), UTF_8));
            } catch (IllegalArgumentException e) {
                throw damaged(reader, "line '" + line + "' is not URL-encoded (" + e.getMessage() + ")");
            }
        }
        return properties;
    }

    @Override
    public Map<String, Object> extractMetadata(Properties value) {
        return Map.of("entries", value.size());
    }

    private static TreeMap<String, String> strings(Properties value, String artifactName) {
        TreeMap<String, String> sorted = new TreeMap<>();
        value.forEach((key, entry) -> {
            if (!(key instanceof String k) || !(entry instanceof String v)) {
                throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "Artifact " + artifactName + ": Properties entry "
                        + key + " is not a pair of strings; put only strings into the Properties a step returns");
            }
            sorted.put(k, v);
        });
        return sorted;
    }

    private static CairnException damaged(ArtifactReader reader, String problem) {
        return new CairnException(ErrorCode.INTEGRITY_VIOLATION, "Artifact " + reader.artifactName() + ": " + FILE + " at "
                + reader.uri() + " is damaged: " + problem + ". Write the artifact again (re-run the step without cache).");
    }
}
