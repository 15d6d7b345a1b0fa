package dev.cairn.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.lifecycle.PruneReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

@Command(name = "prune", description = {
        "Delete unused artifact versions: no step consumed them, no cache entry holds them (output of a completed step run",
        "with a cache key), no running pipeline produced them, and (unless --include-registered) not registered data.",
        "Also removes reserved versions and staging drafts older than --older-than."})
final class PruneCommand implements Callable<Integer> {
    @Mixin(name = "home")
    HomeOption home;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--only-artifact", description = "Delete the files only; keep the metadata")
    boolean onlyArtifact;

    @Option(names = "--only-metadata", description = "Delete the metadata only; keep the files")
    boolean onlyMetadata;

    @Option(names = "--ignore-errors", description = "Go on past files that cannot be deleted (they are retried by the next prune)")
    boolean ignoreErrors;

    @Option(names = "--threads", defaultValue = "1", description = "Threads deleting files (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--dry-run", description = "Print what would be deleted and its size; delete nothing")
    boolean dryRun;

    @Option(names = {"--yes", "-y"}, description = "Do not ask for confirmation")
    boolean yes;

    @Option(names = "--include-registered", description = "Also delete unused versions registered from existing data (and their files)")
    boolean includeRegistered;

    @Option(names = "--older-than", defaultValue = "24h", description = "Age of abandoned drafts and reserved versions to remove, e.g. 30m, 24h, 7d (default: ${DEFAULT-VALUE})")
    String olderThan;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PruneOptions.Builder builder = PruneOptions.builder().onlyArtifact(onlyArtifact).onlyMetadata(onlyMetadata).ignoreErrors(ignoreErrors)
                .threads(threads).includeRegistered(includeRegistered).abandonedAge(duration(olderThan));
        PruneOptions checked = builder.build(); // refuses contradictory flags before anything is read
        try (Cairn cairn = home.open()) {
            if (dryRun || !yes) {
                PruneReport plan = cairn.client().prune(builder.dryRun(true).build());
                print(out, plan, dryRun ? "Would delete" : "Will delete");
                if (dryRun) {
                    return 0;
                }
                if (plan.versions().isEmpty() && plan.pendingVersions() == 0) {
                    out.println("Nothing to prune among artifact versions; removing old staging drafts only.");
                } else {
                    CairnCli cli = (CairnCli) spec.root().userObject();
                    if (!cli.inputAnswers) {
                        throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Prune needs a confirmation, but standard input is not a terminal;"
                                + " nothing was deleted. Run it in a terminal, or give --yes to delete without asking (--dry-run lists what would go)");
                    }
                    out.printf("Delete %s of %d artifact version%s? [y/N] ", what(checked), plan.versions().size(), plan.versions().size() == 1 ? "" : "s");
                    out.flush();
                    String answer = cli.input.readLine();
                    if (answer == null || !answer.strip().toLowerCase(Locale.ROOT).matches("y|yes")) {
                        out.println("Prune cancelled; nothing was deleted.");
                        return 1;
                    }
                }
                // Delete exactly what was listed and confirmed: versions that became unused meanwhile are left for the next prune.
                builder.onlyVersions(plan.versions().stream().map(PruneReport.PrunedVersion::id).toList());
            }
            PruneReport report = cairn.client().prune(builder.dryRun(false).progress(new StderrProgress(err)).build());
            print(out, report, "Deleted");
            if (!yes && report.errors().isEmpty() && report.versions().size() < checked(builder)) {
                out.printf("Kept %d listed version%s that came into use after the list was made.%n", checked(builder) - report.versions().size(),
                        checked(builder) - report.versions().size() == 1 ? "" : "s");
            }
            out.printf("Removed %d reserved version%s and %d abandoned staging draft%s; finished %d deletion%s left by an earlier prune.%n",
                    report.pendingVersions(), report.pendingVersions() == 1 ? "" : "s", report.abandonedDrafts(), report.abandonedDrafts() == 1 ? "" : "s",
                    report.resumedDeletions(), report.resumedDeletions() == 1 ? "" : "s");
            for (String error : report.errors()) {
                err.println("could not delete " + error);
            }
            return report.errors().isEmpty() ? 0 : 3;
        }
    }

    private static int checked(PruneOptions.Builder builder) {
        return builder.build().onlyVersions().map(java.util.Set::size).orElse(0);
    }

    private static String what(PruneOptions options) {
        return options.onlyArtifact() ? "the files" : options.onlyMetadata() ? "the metadata" : "the metadata and files";
    }

    private static void print(PrintWriter out, PruneReport report, String verb) {
        for (PruneReport.PrunedVersion version : report.versions()) {
            out.printf("  %s:%s  %d B%s  %s%n", version.name(), version.version(), version.size(), version.registered() ? "  (registered)" : "", version.uri());
        }
        out.printf("%s %d unused artifact version%s, %s%s.%n", verb, report.versions().size(), report.versions().size() == 1 ? "" : "s",
                StderrProgress.bytes(report.bytes()), report.dryRun() && report.pendingVersions() > 0
                        ? ", and " + report.pendingVersions() + " reserved versions never committed" : "");
    }

    /** {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d}, or an ISO-8601 duration ({@code PT1H}). */
    static Duration duration(String text) {
        String trimmed = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (trimmed.matches("\\d+[smhd]")) {
                long amount = Long.parseLong(trimmed.substring(0, trimmed.length() - 1));
                return switch (trimmed.charAt(trimmed.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
            return Duration.parse(text.strip());
        } catch (RuntimeException e) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "'" + text + "' is not a duration: write e.g. 30m, 24h, 7d or PT1H");
        }
    }
}
