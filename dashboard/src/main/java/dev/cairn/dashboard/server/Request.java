package dev.cairn.dashboard.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** A parsed GET or HEAD request: decoded path segments and query parameters, and whether htmx sent it. */
public final class Request {
    static final int MAX_PARAMETERS = 64;
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final List<String> segments;
    private final Map<String, List<String>> query;
    private final boolean htmx;

    Request(List<String> segments, Map<String, List<String>> query, boolean htmx) {
        this.segments = List.copyOf(segments);
        this.query = query;
        this.htmx = htmx;
    }

    static Request parse(String rawPath, String rawQuery, boolean htmx) {
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                segments.add(decode(raw, false));
            }
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            String[] pairs = rawQuery.split("&");
            if (pairs.length > MAX_PARAMETERS) {
                throw new BadRequest("Too many query parameters (" + pairs.length + "; at most " + MAX_PARAMETERS + ")");
            }
            for (String pair : pairs) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq), true);
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
                query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        return new Request(segments, query, htmx);
    }

    /** Percent-decoding; in a query (form encoding) {@code +} is a space, in a path segment it is itself. */
    private static String decode(String raw, boolean query) {
        try {
            return URLDecoder.decode(query ? raw : raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("Malformed percent-encoding in the request URL");
        }
    }

    public List<String> segments() {
        return segments;
    }

    public boolean htmx() {
        return htmx;
    }

    /** The first value of parameter {@code name}, if given and not blank. */
    public Optional<String> param(String name) {
        List<String> values = query.get(name);
        return values == null ? Optional.empty() : values.stream().map(String::trim).filter(v -> !v.isEmpty()).findFirst();
    }

    /** Every non-blank value of {@code name} as given (trimmed, not split). */
    public List<String> values(String name) {
        return query.getOrDefault(name, List.of()).stream().map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    /** Every non-blank value of {@code name}, with comma-separated values split. */
    public List<String> params(String name) {
        List<String> values = new ArrayList<>();
        for (String value : query.getOrDefault(name, List.of())) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    values.add(part.trim());
                }
            }
        }
        return values;
    }

    /** An integer parameter within bounds; absent gives {@code fallback}. */
    public int intParam(String name, int fallback, int min, int max) {
        Optional<String> value = param(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed < min || parsed > max) {
                throw new BadRequest("Parameter '" + name + "' must be between " + min + " and " + max + ", not " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new BadRequest("Parameter '" + name + "' must be a whole number");
        }
    }

    /** Path segment {@code index} as a UUID; anything else is a bad request (ids are validated before any lookup). */
    public UUID uuidSegment(int index, String what) {
        return uuid(segments.get(index), what);
    }

    public static UUID uuid(String text, String what) {
        if (!UUID_TEXT.matcher(text).matches()) {
            throw new BadRequest("'" + text + "' is not a " + what + " id (a UUID such as 0190d6b2-6f4e-7c3a-9a1e-2f0c6a9d8b41)");
        }
        return UUID.fromString(text);
    }
}
