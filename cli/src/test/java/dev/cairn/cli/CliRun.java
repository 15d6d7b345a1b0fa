package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;

/** The command line run in-process with its output captured: the set-up the CLI tests share. */
final class CliRun {
    private CliRun() {}

    /** The exit code and everything printed to standard output and standard error. */
    record Result(int exitCode, String out, String err) {}

    /** {@code cairn args…}, confirmations read from standard input as in a shell. */
    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CairnCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /** {@code cairn --home home args…}, confirmations read from standard input as in a shell. */
    static Result inHome(Path home, String... args) {
        return cli(withHome(home, args));
    }

    /** {@code cairn args…} answering confirmations from {@code input} (empty: no answer). */
    static Result answering(String input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CairnCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true), new BufferedReader(new StringReader(input)));
        return new Result(code, out.toString(), err.toString());
    }

    /** {@code cairn --home home args…} answering confirmations from {@code input} (empty: no answer). */
    static Result answeringInHome(Path home, String input, String... args) {
        return answering(input, withHome(home, args));
    }

    /** {@code result}, after asserting that it exited 0 (its standard error as the description). */
    static Result succeeded(Result result) {
        assertThat(result.exitCode()).as(result.err()).isZero();
        return result;
    }

    private static String[] withHome(Path home, String... args) {
        String[] withHome = new String[args.length + 2];
        withHome[0] = "--home";
        withHome[1] = home.toString();
        System.arraycopy(args, 0, withHome, 2, args.length);
        return withHome;
    }
}
