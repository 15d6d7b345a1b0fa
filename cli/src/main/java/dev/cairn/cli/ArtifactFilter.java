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
import java.util.Optional;
import java.util.function.Predicate;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;

/**
 * The filters and order of {@code cairn artifacts list}. Dates are UTC. The time bounds become conditions of the metadata
 * store's indexed query ({@link #since()}, {@link #until()}); {@code --name} is matched against the artifact names
 * ({@link #nameMatches(String)}), so that a name that identifies one artifact becomes an exact, indexed name condition;
 * {@code --type} (a substring of the data type, or an artifact type) is matched here ({@link #typeMatches(ArtifactVersion)}).
 */
final class ArtifactFilter {
    private final Predicate<String> names;
    private final Predicate<ArtifactVersion> types;
    private final Optional<Instant> since;
    private final Optional<Instant> until;
    private final Comparator<ArtifactVersion> order;
    private final boolean createdOrder;
    private final boolean empty;

    ArtifactFilter(String name, String type, String since, String until, String sort, boolean reverse) {
        this.names = name == null ? n -> true : nameMatcher(name);
        if (type != null) {
            String lower = type.toLowerCase(Locale.ROOT);
            this.types = version -> version.dataType().toLowerCase(Locale.ROOT).contains(lower) || version.artifactType().name().equalsIgnoreCase(type);
        } else {
            this.types = null;
        }
        this.since = Optional.ofNullable(since).map(text -> instant(text, "--since", false));
        this.until = Optional.ofNullable(until).map(text -> instant(text, "--until", true));
        this.empty = name == null && type == null && since == null && until == null;
        Comparator<ArtifactVersion> comparator = switch (sort.toLowerCase(Locale.ROOT)) {
            case "name" -> Comparator.comparing(ArtifactVersion::name).thenComparing(ArtifactVersion::createdAt);
            case "created" -> Comparator.comparing(ArtifactVersion::createdAt).reversed();
            case "size" -> Comparator.comparingLong(ArtifactVersion::size).reversed().thenComparing(ArtifactVersion::name);
            default -> throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot sort by '" + sort + "': use --sort name, created or size");
        };
        this.createdOrder = sort.equalsIgnoreCase("created") && !reverse;
        this.order = reverse ? comparator.reversed() : comparator;
    }

    boolean isEmpty() {
        return empty;
    }

    /** Whether the order is the query's own (newest first), so a page of the query is a page of the listing. */
    boolean createdOrder() {
        return createdOrder;
    }

    /** {@code --since}: versions created at or after this instant. */
    Optional<Instant> since() {
        return since;
    }

    /** {@code --until}: versions created strictly before this instant (a date's whole day included). */
    Optional<Instant> until() {
        return until;
    }

    /** Whether an artifact name matches {@code --name} (true without it). */
    boolean nameMatches(String name) {
        return names.test(name);
    }

    /** Whether there is a {@code --type} to match here, after the query. */
    boolean hasType() {
        return types != null;
    }

    boolean typeMatches(ArtifactVersion version) {
        return types == null || types.test(version);
    }

    /** The versions in the order of {@code --sort} / {@code --reverse}. */
    List<ArtifactVersion> sort(List<ArtifactVersion> versions) {
        return versions.stream().sorted(order).toList();
    }

    private static Predicate<String> nameMatcher(String pattern) {
        if (pattern.chars().anyMatch(c -> c == '*' || c == '?' || c == '[')) {
            // names may contain '/'-free text with '::'; match the whole name against the glob
            PathMatcher glob;
            try {
                glob = FileSystems.getDefault().getPathMatcher("glob:" + pattern.replace("/", "\\/"));
            } catch (RuntimeException e) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "'" + pattern + "' is not a valid glob: " + e.getMessage());
            }
            return name -> glob.matches(Path.of(name));
        }
        return name -> name.contains(pattern);
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
