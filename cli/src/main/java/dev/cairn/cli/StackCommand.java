package dev.cairn.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnConfiguration;
import dev.cairn.api.CairnException;
import dev.cairn.engine.stack.StackSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cairn stack show|check}: the effective metadata store and artifact store, and whether both can be reached. */
@Command(name = "stack", description = "Show or check the stack: the metadata store and the artifact store this home uses.",
        subcommands = {StackCommand.Show.class, StackCommand.Check.class})
final class StackCommand extends GroupCommand {
    @Command(name = "show", description = "Print the effective stack, plugin tables such as [spark], and where each value came from (passwords masked).")
    static final class Show implements Callable<Integer> {
        @Mixin(name = "home")
        HomeOption home;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            CairnConfiguration configuration = home.configuration();
            StackSettings stack = StackSettings.resolve(configuration);
            out.printf("home      %s%n", configuration.home());
            out.printf("metadata  %s  (from %s)%n", stack.metadata().maskedUri(), source(stack.metadata().source(), home.metadataGiven().isPresent(), "--metadata"));
            out.printf("store     %s  (from %s)%n", stack.artifactStore().maskedUri(), source(stack.artifactStore().source(), home.storeGiven().isPresent(), "--store"));
            for (StackSettings.Section section : stack.sections().values()) { // plugin tables, e.g. [spark]; checked when the engine opens
                java.util.Map<String, Object> flat = new java.util.LinkedHashMap<>();
                flatten("", section.values(), flat);
                flat.forEach((key, value) -> out.printf("%-9s %s = %s  (from %s)%n", "[" + section.name() + "]", key,
                        SECRET.matcher(key).find() ? "****" : value, section.file()));
            }
            return 0;
        }
    }

    @Command(name = "check", description = "Connect to the metadata store and the artifact store and report; exit code 1 when either fails.")
    static final class Check implements Callable<Integer> {
        @Mixin(name = "home")
        HomeOption home;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            StackSettings stack = StackSettings.resolve(home.configuration());
            try (Cairn cairn = home.open()) {
                int runs = cairn.client().listRuns().size();
                out.printf("metadata  %s  ok (%d run%s)%n", stack.metadata().maskedUri(), runs, runs == 1 ? "" : "s");
                out.printf("store     %s  ok%n", stack.artifactStore().maskedUri());
                return 0;
            } catch (CairnException e) {
                err.println("Stack check failed: " + e.getMessage());
                return 1;
            }
        }
    }

    /** Keys whose values {@code stack show} never prints (a Spark conf may hold an S3 secret). */
    private static final java.util.regex.Pattern SECRET = java.util.regex.Pattern.compile("(?i)password|secret|token|credential");

    /** Nested tables as dotted keys: {@code conf.spark.sql.shuffle.partitions}. */
    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, java.util.Map<String, Object> table, java.util.Map<String, Object> flat) {
        table.forEach((key, value) -> {
            if (value instanceof java.util.Map<?, ?> nested) {
                flatten(prefix + key + ".", (java.util.Map<String, Object>) nested, flat);
            } else {
                flat.put(prefix + key, value);
            }
        });
    }

    private static String source(String resolved, boolean flag, String flagName) {
        return flag ? flagName : resolved.equals("configuration") ? "the API configuration" : resolved;
    }
}
