package dev.cairn.dashboard.pages;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

import dev.cairn.api.Client;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.dashboard.server.BadRequest;
import dev.cairn.dashboard.server.Request;

/**
 * Artifact version search: {@code name} (a substring, or a glob when it has {@code * ? [}), {@code type} (part of the
 * data type, or an artifact type such as {@code MODEL}), {@code since} and {@code until} (a date, UTC, or an instant);
 * newest first, at most {@code limit}. Reads every version through the client and filters here: search by tag and
 * metadata predicates waits for the metadata queries of issue #13.
 */
public record ArtifactSearch(Optional<String> name, Optional<String> type, Optional<Instant> since, Optional<Instant> until, int limit) {
    public static final int DEFAULT_LIMIT = 100;

    public static ArtifactSearch of(Request request) {
        return new ArtifactSearch(request.param("name"), request.param("type"), request.param("since").map(text -> instant(text, "since", false)),
                request.param("until").map(text -> instant(text, "until", true)), request.intParam("limit", DEFAULT_LIMIT, 1, 1000));
    }

    /** The matching versions, newest first, and how many matched in all. */
    public record Result(List<ArtifactVersion> versions, int total) {}

    public Result run(Client client) {
        Predicate<ArtifactVersion> predicate = version -> true;
        if (name.isPresent()) {
            predicate = predicate.and(nameMatcher(name.get()));
        }
        if (type.isPresent()) {
            String lower = type.get().toLowerCase(Locale.ROOT);
            predicate = predicate.and(version -> version.dataType().toLowerCase(Locale.ROOT).contains(lower)
                    || version.artifactType().name().equalsIgnoreCase(lower));
        }
        if (since.isPresent()) {
            predicate = predicate.and(version -> !version.createdAt().isBefore(since.get()));
        }
        if (until.isPresent()) {
            predicate = predicate.and(version -> version.createdAt().isBefore(until.get()));
        }
        List<ArtifactVersion> matching = client.listArtifactVersions().stream().filter(predicate)
                .sorted(Comparator.comparing(ArtifactVersion::createdAt).reversed()).toList();
        return new Result(matching.subList(0, Math.min(limit, matching.size())), matching.size());
    }

    private static Predicate<ArtifactVersion> nameMatcher(String pattern) {
        if (pattern.chars().anyMatch(c -> c == '*' || c == '?' || c == '[')) {
            PathMatcher glob;
            try {
                glob = FileSystems.getDefault().getPathMatcher("glob:" + pattern.replace("/", "\\/"));
            } catch (RuntimeException e) {
                throw new BadRequest("'" + pattern + "' is not a valid glob");
            }
            return version -> !version.name().contains("/") && !version.name().contains("\0") && glob.matches(Path.of(version.name()));
        }
        String lower = pattern.toLowerCase(Locale.ROOT);
        return version -> version.name().toLowerCase(Locale.ROOT).contains(lower);
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
