package dev.cairn.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;
import java.util.function.Supplier;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code --json} option and the one way a command prints its result: as indented JSON when {@code --json} is given,
 * else as text for people, both on the command's output stream.
 */
final class OutputOptions {
    @Option(names = "--json", description = "Print JSON")
    boolean json;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** The command's output stream. */
    PrintWriter out() {
        return mixee.commandLine().getOut();
    }

    /** Prints {@code jsonValue} as JSON with {@code --json}, else calls {@code text} with the output stream. */
    void print(Supplier<Object> jsonValue, Consumer<PrintWriter> text) {
        if (json) {
            out().println(Json.write(jsonValue.get()));
        } else {
            text.accept(out());
        }
    }
}
