package dev.cairn.dashboard.pages;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cairn.api.CairnException;
import dev.cairn.api.Client;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactFilter;
import dev.cairn.api.artifact.ArtifactPage;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.dashboard.server.BadRequest;
import dev.cairn.dashboard.server.Request;

/**
 * Artifact version search, answered by the metadata store's indexed query
 * ({@link Client#listArtifactVersions(ArtifactFilter, ArtifactFilter...)}): nothing is filtered here. Parameters:
 * {@code name} (exact), {@code tag} (on the version or its artifact), {@code type} (an artifact type such as
 * {@code MODEL}, else the exact data type), {@code where} (repeatable metadata predicates {@code accuracy>0.85},
 * {@code framework=xgboost}, {@code notes~draft}), {@code since} and {@code until} (a date, UTC, or an instant),
 * {@code limit} and {@code cursor} (the {@code next_cursor} of the previous page). Newest first.
 */
public record ArtifactSearch(Optional<String> name, Optional<String> tag, Optional<String> type, List<String> where, Optional<Instant> since,
        Optional<Instant> until, int limit, Optional<String> cursor) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_PREDICATES = 16;
    private static final Pattern PREDICATE = Pattern.compile("^\\s*([^<>=~\\s]+)\\s*(>=|<=|>|<|=|~)\\s*(.*?)\\s*$");

    public ArtifactSearch {
        where = List.copyOf(where);
    }

    public static ArtifactSearch of(Request request) {
        List<String> where = request.values("where");
        if (where.size() > MAX_PREDICATES) {
            throw new BadRequest("At most " + MAX_PREDICATES + " 'where' predicates, got " + where.size());
        }
        return new ArtifactSearch(request.param("name"), request.param("tag"), request.param("type"), where,
                request.param("since").map(text -> instant(text, "since", false)), request.param("until").map(text -> instant(text, "until", true)),
                request.intParam("limit", DEFAULT_LIMIT, 1, 1000), request.param("cursor"));
    }

    /** Whether any condition is set (the page then says "no match" rather than "no artifacts yet"). */
    public boolean filtered() {
        return name.isPresent() || tag.isPresent() || type.isPresent() || !where.isEmpty() || since.isPresent() || until.isPresent();
    }

    /** The filters of this search, in the form the client takes; the last two are the page size and the cursor. */
    public List<ArtifactFilter> filters() {
        List<ArtifactFilter> filters = new ArrayList<>();
        name.ifPresent(value -> filters.add(ArtifactFilter.name(value)));
        tag.ifPresent(value -> filters.add(ArtifactFilter.tag(value)));
        type.ifPresent(value -> filters.add(artifactType(value).map(ArtifactFilter::artifactType).orElseGet(() -> ArtifactFilter.dataType(value))));
        where.forEach(condition -> filters.add(predicate(condition)));
        // the client's bounds are strict: 'since' includes its instant, so the bound is one nanosecond earlier
        since.ifPresent(value -> filters.add(ArtifactFilter.createdAfter(value.minusNanos(1))));
        until.ifPresent(value -> filters.add(ArtifactFilter.createdBefore(value)));
        filters.add(ArtifactFilter.limit(limit));
        cursor.ifPresent(value -> filters.add(ArtifactFilter.after(value)));
        return filters;
    }

    /** One page of matching versions, newest first, with the cursor of the next page. */
    public ArtifactPage run(Client client) {
        List<ArtifactFilter> filters = filters();
        try {
            return client.listArtifactVersions(filters.get(0), filters.subList(1, filters.size()).toArray(ArtifactFilter[]::new));
        } catch (CairnException e) {
            if (e.errorCode() == ErrorCode.INVALID_ARGUMENT) {
                throw new BadRequest(e.getMessage());
            }
            throw e;
        }
    }

    private static Optional<ArtifactType> artifactType(String text) {
        for (ArtifactType candidate : ArtifactType.values()) {
            if (candidate.name().equalsIgnoreCase(text.trim())) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** {@code key>number}, {@code key>=number}, {@code key<number}, {@code key<=number}, {@code key=value}, {@code key~text}. */
    static ArtifactFilter predicate(String condition) {
        Matcher matcher = PREDICATE.matcher(condition);
        if (!matcher.matches() || matcher.group(3).isEmpty()) {
            throw new BadRequest("'where' predicate '" + condition + "' is not KEY OP VALUE with OP one of > >= < <= = ~ (e.g. accuracy>0.85)");
        }
        ArtifactFilter.MetadataKey key = ArtifactFilter.metadata(matcher.group(1));
        String text = matcher.group(3);
        String operator = matcher.group(2);
        Optional<Number> number = number(text);
        if (operator.equals("~")) {
            return key.contains(text);
        }
        if (operator.equals("=")) {
            if (number.isPresent()) {
                return key.eq(number.get());
            }
            String lower = text.toLowerCase(Locale.ROOT);
            return lower.equals("true") || lower.equals("false") ? key.eq(Boolean.parseBoolean(lower)) : key.eq(text);
        }
        Number value = number.orElseThrow(() -> new BadRequest("'where' predicate '" + condition + "' compares with " + operator
                + ", which needs a number, not '" + text + "'"));
        return switch (operator) {
            case ">" -> key.gt(value);
            case ">=" -> key.ge(value);
            case "<" -> key.lt(value);
            default -> key.le(value);
        };
    }

    private static Optional<Number> number(String text) {
        try {
            return Optional.of(Long.parseLong(text));
        } catch (NumberFormatException notLong) {
            try {
                double value = Double.parseDouble(text);
                return Double.isFinite(value) && !text.endsWith("d") && !text.endsWith("f") && !text.endsWith("D") && !text.endsWith("F")
                        ? Optional.of(value) : Optional.empty();
            } catch (NumberFormatException notNumber) {
                return Optional.empty();
            }
        }
    }

    private static Instant instant(String text, String parameter, boolean endOfDay) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                LocalDate date = LocalDate.parse(text);
                return (endOfDay ? date.plusDays(1) : date).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw new BadRequest("Parameter '" + parameter + "' is neither a date (2026-11-30) nor an instant (2026-11-30T10:15:00Z)");
            }
        }
    }
}
