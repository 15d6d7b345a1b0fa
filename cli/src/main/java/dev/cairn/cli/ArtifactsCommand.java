package dev.cairn.cli;

import java.util.List;
import java.util.concurrent.Callable;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "artifacts", description = "List and manage artifacts.", subcommands = ArtifactsCommand.ListArtifacts.class)
final class ArtifactsCommand extends GroupCommand {

    @Command(name = "list", description = "List artifact versions, newest first.")
    static final class ListArtifacts implements Callable<Integer> {
        @Mixin(name = "home")
        HomeOption home;

        @Mixin
        OutputOptions output;

        @Option(names = "--name", description = "Only names containing this text, or matching it as a glob when it has *, ? or [ (e.g. 'training::*')")
        String name;

        @Option(names = "--type", description = "Only data types containing this text (e.g. List, java.nio.file.Path), or this artifact type (DATA, MODEL, …)")
        String type;

        @Option(names = "--tag", description = "Only versions that carry this tag, on the version or on its artifact")
        String tag;

        @Option(names = "--where", description = "Only versions whose logged metadata matches, e.g. 'accuracy>0.85', 'framework=xgboost', "
                + "'notes~draft' (contains); operators > >= < <= = ~; repeatable")
        List<String> where;

        @Option(names = "--limit", description = "At most this many versions (one page; the next page's --cursor is printed on stderr)")
        Integer limit;

        @Option(names = "--cursor", description = "Continue after this cursor, printed by a previous --limit listing")
        String cursor;

        @Option(names = "--since", description = "Only versions created at or after this date (2026-11-30) or instant (2026-11-30T10:15:00Z)")
        String since;

        @Option(names = "--until", description = "Only versions created up to this date (the whole day included) or before this instant")
        String until;

        @Option(names = "--sort", defaultValue = "created", description = "Sort by name, created or size (default: ${DEFAULT-VALUE}, newest first)")
        String sort;

        @Option(names = "--reverse", description = "Reverse the order")
        boolean reverse;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        /** {@code key>number}, {@code key>=number}, {@code key<number}, {@code key<=number}, {@code key=value}, {@code key~text}. */
        static dev.cairn.api.artifact.ArtifactFilter parseWhere(String condition) {
            java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("^\\s*([^<>=~\\s]+)\\s*(>=|<=|>|<|=|~)\\s*(.*?)\\s*$").matcher(condition);
            if (!matcher.matches() || matcher.group(3).isEmpty()) {
                throw new dev.cairn.api.CairnException(dev.cairn.api.ErrorCode.INVALID_ARGUMENT, "--where '" + condition
                        + "' is not KEY OP VALUE with OP one of > >= < <= = ~ (e.g. 'accuracy>0.85')");
            }
            dev.cairn.api.artifact.ArtifactFilter.MetadataKey key = dev.cairn.api.artifact.ArtifactFilter.metadata(matcher.group(1));
            String text = matcher.group(3);
            java.util.Optional<Number> number = parseNumber(text);
            String operator = matcher.group(2);
            if (operator.equals("~")) {
                return key.contains(text);
            }
            if (operator.equals("=")) {
                return number.isPresent() ? key.eq(number.get()) : text.equals("true") || text.equals("false") ? key.eq(Boolean.parseBoolean(text)) : key.eq(text);
            }
            Number value = number.orElseThrow(() -> new dev.cairn.api.CairnException(dev.cairn.api.ErrorCode.INVALID_ARGUMENT,
                    "--where '" + condition + "' compares with " + operator + ", which needs a number, not '" + text + "'"));
            return switch (operator) {
                case ">" -> key.gt(value);
                case ">=" -> key.ge(value);
                case "<" -> key.lt(value);
                default -> key.le(value);
            };
        }

        private static java.util.Optional<Number> parseNumber(String text) {
            try {
                return java.util.Optional.of(Long.parseLong(text));
            } catch (NumberFormatException notLong) {
                try {
                    double value = Double.parseDouble(text);
                    return Double.isFinite(value) ? java.util.Optional.of(value) : java.util.Optional.empty();
                } catch (NumberFormatException notNumber) {
                    return java.util.Optional.empty();
                }
            }
        }

        @Override
        public Integer call() {
            ArtifactFilter filter = new ArtifactFilter(name, type, since, until, sort, reverse);
            try (Cairn cairn = home.open()) {
                List<ArtifactVersion> versions;
                if (where != null || limit != null || cursor != null) {
                    List<dev.cairn.api.artifact.ArtifactFilter> filters = new java.util.ArrayList<>();
                    if (tag != null) {
                        filters.add(dev.cairn.api.artifact.ArtifactFilter.tag(tag));
                    }
                    for (String condition : where == null ? List.<String>of() : where) {
                        filters.add(parseWhere(condition));
                    }
                    int wanted = limit == null ? dev.cairn.api.artifact.ArtifactFilter.DEFAULT_LIMIT : limit;
                    // --name, --type, --since and --until are matched here, after the query: ask for as many versions as
                    // are still wanted, so that the page ends exactly where its cursor continues, until enough matched
                    List<ArtifactVersion> matched = new java.util.ArrayList<>();
                    java.util.Optional<String> next = java.util.Optional.ofNullable(cursor);
                    do {
                        List<dev.cairn.api.artifact.ArtifactFilter> page = new java.util.ArrayList<>(filters);
                        page.add(dev.cairn.api.artifact.ArtifactFilter.limit(wanted - matched.size()));
                        next.ifPresent(after -> page.add(dev.cairn.api.artifact.ArtifactFilter.after(after)));
                        dev.cairn.api.artifact.ArtifactPage result = cairn.client().listArtifactVersions(page.get(0),
                                page.subList(1, page.size()).toArray(dev.cairn.api.artifact.ArtifactFilter[]::new));
                        matched.addAll(filter.apply(result.versions()));
                        next = result.nextCursor();
                    } while (!filter.isEmpty() && matched.size() < wanted && next.isPresent());
                    versions = filter.apply(matched);
                    next.ifPresent(more -> spec.commandLine().getErr().println("next page: --cursor " + more));
                } else {
                    versions = filter.apply(tag == null ? cairn.client().listArtifactVersions() : cairn.client().listArtifactVersionsWithTag(tag));
                }
                output.print(() -> Json.artifacts(versions), out -> {
                    if (versions.isEmpty()) {
                        out.println(filter.isEmpty() && tag == null && where == null ? "No artifacts yet: try ./cairn quickstart" : "No artifact versions match");
                    }
                    for (ArtifactVersion version : versions) {
                        out.printf("%-48s %-6s %-12s %8d B  %s%n", version.name(), version.version(), version.materializerId(), version.size(),
                                version.dataType());
                    }
                });
            }
            return 0;
        }
    }
}
