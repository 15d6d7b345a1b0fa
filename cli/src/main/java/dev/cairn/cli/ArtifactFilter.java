package dev.cairn.cli;

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
import java.util.function.Predicate;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;

/** The filters and order of {@code cairn artifacts list}. Dates are UTC. */
final class ArtifactFilter {
    private final Predicate<ArtifactVersion> predicate;
    private final Comparator<ArtifactVersion> order;
    private final boolean empty;

    ArtifactFilter(String name, String type, String since, String until, String sort, boolean reverse) {
        Predicate<ArtifactVersion> all = version -> true;
        if (name != null) {
            all = all.and(nameMatcher(name));
        }
        if (type != null) {
            String lower = type.toLowerCase(Locale.ROOT);
            all = all.and(version -> version.dataType().toLowerCase(Locale.ROOT).contains(lower) || version.artifactType().name().equalsIgnoreCase(type));
        }
        if (since != null) {
            Instant from = instant(since, "--since", false);
            all = all.and(version -> !version.createdAt().isBefore(from));
        }
        if (until != null) {
            Instant to = instant(until, "--until", true);
            all = all.and(version -> version.createdAt().isBefore(to));
        }
        this.predicate = all;
        this.empty = name == null && type == null && since == null && until == null;
        Comparator<ArtifactVersion> comparator = switch (sort.toLowerCase(Locale.ROOT)) {
            case "name" -> Comparator.comparing(ArtifactVersion::name).thenComparing(ArtifactVersion::createdAt);
            case "created" -> Comparator.comparing(ArtifactVersion::createdAt).reversed();
            case "size" -> Comparator.comparingLong(ArtifactVersion::size).reversed().thenComparing(ArtifactVersion::name);
            default -> throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot sort by '" + sort + "': use --sort name, created or size");
        };
        this.order = reverse ? comparator.reversed() : comparator;
    }

    boolean isEmpty() {
        return empty;
    }

    List<ArtifactVersion> apply(List<ArtifactVersion> versions) {
        return versions.stream().filter(predicate).sorted(order).toList();
    }

    private static Predicate<ArtifactVersion> nameMatcher(String pattern) {
        if (pattern.chars().anyMatch(c -> c == '*' || c == '?' || c == '[')) {
            // names may contain '/'-free text with '::'; match the whole name against the glob
            PathMatcher glob;
            try {
                glob = FileSystems.getDefault().getPathMatcher("glob:" + pattern.replace("/", "\\/"));
            } catch (RuntimeException e) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "'" + pattern + "' is not a valid glob: " + e.getMessage());
            }
            return version -> glob.matches(Path.of(version.name()));
        }
        return version -> version.name().contains(pattern);
    }

    private static Instant instant(String text, String option, boolean endOfDay) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                LocalDate date = LocalDate.parse(text);
                return (endOfDay ? date.plusDays(1) : date).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, option + " '" + text + "' is neither a date (2026-11-30) nor an instant (2026-11-30T10:15:00Z)");
            }
        }
    }
}
