package dev.cairn.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.cairn.api.CairnException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import org.apiguardian.api.API;

/** The {@code cairn} command line. */
@Command(name = "cairn", mixinStandardHelpOptions = true, versionProvider = CairnVersion.class,
        description = "Run pipelines and inspect the runs and artifacts Cairn stored.",
        subcommands = {QuickstartCommand.class, RunCommand.class, RunsCommand.class, ArtifactsCommand.class, ArtifactCommand.class, LineageCommand.class,
                DashboardCommand.class, StackCommand.class, DoctorCommand.class, MetadataCommand.class})
@API(status = API.Status.STABLE, since = "0.1")
public final class CairnCli implements Callable<Integer> {
    @Mixin(name = "home")
    HomeOption home;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "On failure, print the stack trace after the error line")
    boolean verbose;

    /** Where confirmations are read from (standard input unless a caller gives another). */
    java.io.BufferedReader input;

    /** Whether {@link #input} can answer a question: false when it is standard input and that is not a terminal. */
    boolean inputAnswers = true;

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given output streams and returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return execute(args, out, err, new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.Charset.defaultCharset())),
                Terminals.standardInputIsTerminal());
    }

    /** Runs the command line reading confirmations from {@code in}, and returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, java.io.BufferedReader in) {
        return execute(args, out, err, in, true);
    }

    private static int execute(String[] args, PrintWriter out, PrintWriter err, java.io.BufferedReader in, boolean inputAnswers) {
        CairnCli cli = new CairnCli();
        cli.input = in;
        cli.inputAnswers = inputAnswers;
        // Everything printed goes through one escaping writer: stored text cannot send control sequences to the terminal.
        PrintWriter output = new PrintWriter(new TerminalText.EscapingWriter(out), true);
        PrintWriter errors = new PrintWriter(new TerminalText.EscapingWriter(err), true);
        CommandLine commandLine = new CommandLine(cli);
        addHelpOptions(commandLine);
        commandLine.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF)); // no colour codes to escape
        commandLine.setOut(output);
        commandLine.setErr(errors);
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> CliFailures.report(exception, errors, verbose));
        commandLine.setParameterExceptionHandler((exception, arguments) -> CliFailures.reportUsage(exception, errors, verbose));
        try {
            return commandLine.execute(args);
        } finally {
            output.flush();
            errors.flush();
        }
    }

    /**
     * Gives every subcommand, at any depth, a {@code -h/--help} option that prints its usage and exits 0 (the root has
     * it from {@code mixinStandardHelpOptions}); only help, since a subcommand may use {@code --version} for an artifact version.
     */
    static void addHelpOptions(CommandLine commandLine) {
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            CommandLine.Model.CommandSpec spec = sub.getCommandSpec();
            boolean hasHelp = spec.options().stream().anyMatch(CommandLine.Model.OptionSpec::usageHelp);
            if (!hasHelp) {
                spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                        .description("Show this help message and exit.").build());
            }
            addHelpOptions(sub);
        }
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
