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

        @Option(names = "--limit", description = "At most this many versions (one page, default 100; the next page's --cursor is printed on stderr)")
        Integer limit;

        @Option(names = "--cursor", description = "Continue after this cursor, printed by a previous listing")
        String cursor;

        @Option(names = "--all", description = "Every matching version, not one page (also implied by --sort name|size or --reverse without --limit)")
        boolean all;

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

        /** Versions read per query when the command matches {@code --name} / {@code --type} itself (memory stays bounded). */
        static final int BATCH = 1000;
        private static final java.time.Instant EARLIEST_TIME = java.time.Instant.EPOCH.plusNanos(Long.MIN_VALUE);
        private static final java.time.Instant LATEST_TIME = java.time.Instant.EPOCH.plusNanos(Long.MAX_VALUE);

        @Override
        public Integer call() {
            ArtifactFilter filter = new ArtifactFilter(name, type, since, until, sort, reverse);
            if (limit != null) {
                dev.cairn.api.artifact.ArtifactFilter.limit(limit); // the query's own check: 1 to 10,000
            }
            try (Cairn cairn = home.open()) {
                // every condition the metadata store can answer from its indexes goes into its query: --tag, --where,
                // the time bounds, and --name when it identifies one artifact; a --name matching several artifacts and
                // --type are matched here, reading the query's pages one batch at a time
                List<dev.cairn.api.artifact.ArtifactFilter> filters = new java.util.ArrayList<>();
                if (tag != null) {
                    filters.add(dev.cairn.api.artifact.ArtifactFilter.tag(tag));
                }
                for (String condition : where == null ? List.<String>of() : where) {
                    filters.add(parseWhere(condition));
                }
                // creation times are stored as epoch nanoseconds (1677 to 2262): a bound outside that range leaves nothing or keeps everything
                boolean none = false;
                if (filter.since().isPresent()) {
                    java.time.Instant from = filter.since().get();
                    if (from.isAfter(LATEST_TIME)) {
                        none = true;
                    } else if (from.minusNanos(1).isAfter(EARLIEST_TIME)) {
                        filters.add(dev.cairn.api.artifact.ArtifactFilter.createdAfter(from.minusNanos(1))); // at or after
                    }
                }
                if (filter.until().isPresent()) {
                    java.time.Instant to = filter.until().get();
                    if (!to.isAfter(EARLIEST_TIME)) {
                        none = true;
                    } else if (!to.isAfter(LATEST_TIME)) {
                        filters.add(dev.cairn.api.artifact.ArtifactFilter.createdBefore(to));
                    }
                }
                java.util.function.Predicate<ArtifactVersion> here = filter.hasType() ? filter::typeMatches : null;
                if (name != null && !none) {
                    List<String> names = cairn.client().listArtifactNames().stream().filter(filter::nameMatches).toList();
                    if (names.size() == 1) {
                        filters.add(dev.cairn.api.artifact.ArtifactFilter.name(names.get(0)));
                    } else if (names.isEmpty()) {
                        none = true;
                    } else {
                        java.util.Set<String> matching = new java.util.HashSet<>(names);
                        here = here == null ? version -> matching.contains(version.name()) : here.and(version -> matching.contains(version.name()));
                    }
                }
                // one page (--limit, --cursor, or by default the newest DEFAULT_LIMIT), unless every version is asked for:
                // --all, or an order other than the query's (newest first) without --limit/--cursor
                boolean everything = all || (limit == null && cursor == null && !filter.createdOrder());
                int wanted = everything ? Integer.MAX_VALUE : limit == null ? dev.cairn.api.artifact.ArtifactFilter.DEFAULT_LIMIT : limit;
                Page page = none ? new Page(List.of(), java.util.Optional.empty()) : read(cairn.client(), filters, here, wanted, cursor);
                List<ArtifactVersion> versions = filter.sort(page.versions());
                page.next().ifPresent(more -> {
                    if (limit == null) {
                        spec.commandLine().getErr().println("the newest " + wanted + " matching versions; --limit N for another page size, --all for every one");
                    }
                    spec.commandLine().getErr().println("next page: --cursor " + more);
                });
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

        record Page(List<ArtifactVersion> versions, java.util.Optional<String> next) {}

        /**
         * Up to {@code wanted} versions matching {@code filters} (in the query) and {@code here} (null: nothing to match
         * here), newest first, from {@code cursor} on, and the cursor right after the last one when more may follow. Without
         * {@code here} a query asks for just the versions still wanted, so its cursor is the page's; with it, queries read
         * {@link #BATCH} versions at a time and, when the page fills up inside a batch, one more query ends exactly at the
         * page's last version to get its cursor.
         */
        static Page read(dev.cairn.api.Client client, List<dev.cairn.api.artifact.ArtifactFilter> filters,
                java.util.function.Predicate<ArtifactVersion> here, int wanted, String cursor) {
            List<ArtifactVersion> matched = new java.util.ArrayList<>();
            java.util.Optional<String> next = java.util.Optional.ofNullable(cursor);
            while (true) {
                int batch = here == null ? Math.min(wanted - matched.size(), BATCH) : BATCH;
                dev.cairn.api.artifact.ArtifactPage result = query(client, filters, batch, next);
                List<ArtifactVersion> read = result.versions();
                for (int i = 0; i < read.size(); i++) {
                    if (here != null && !here.test(read.get(i))) {
                        continue;
                    }
                    matched.add(read.get(i));
                    if (matched.size() == wanted) {
                        boolean moreAfter = i < read.size() - 1 || result.nextCursor().isPresent();
                        if (!moreAfter) {
                            return new Page(matched, java.util.Optional.empty());
                        }
                        java.util.Optional<String> after = i == read.size() - 1 ? result.nextCursor() : query(client, filters, i + 1, next).nextCursor();
                        return new Page(matched, after);
                    }
                }
                next = result.nextCursor();
                if (next.isEmpty()) {
                    return new Page(matched, java.util.Optional.empty());
                }
            }
        }

        private static dev.cairn.api.artifact.ArtifactPage query(dev.cairn.api.Client client, List<dev.cairn.api.artifact.ArtifactFilter> filters, int limit,
                java.util.Optional<String> after) {
            List<dev.cairn.api.artifact.ArtifactFilter> page = new java.util.ArrayList<>(filters);
            page.add(dev.cairn.api.artifact.ArtifactFilter.limit(limit));
            after.ifPresent(cursor -> page.add(dev.cairn.api.artifact.ArtifactFilter.after(cursor)));
            return client.listArtifactVersions(page.get(0), page.subList(1, page.size()).toArray(dev.cairn.api.artifact.ArtifactFilter[]::new));
        }
    }
}
