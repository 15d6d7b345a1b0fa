package dev.cairn.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

import dev.cairn.api.CairnException;
import picocli.CommandLine;

/**
 * How the command line reports a failure: one {@code error [CODE]: message} line on standard error (escaped like all
 * output), the stack trace after it only with {@code --verbose}, and the exit code: {@link #USAGE_OR_REPORTED} for a
 * usage error and for an error Cairn reports with its code, {@link #UNEXPECTED} for anything else.
 */
final class CliFailures {
    /** Exit code of a usage error (picocli's convention) and of a {@link CairnException}. */
    static final int USAGE_OR_REPORTED = 2;
    /** Exit code of a failure Cairn did not classify: an I/O error of the command itself, or a bug. */
    static final int UNEXPECTED = 1;

    private CliFailures() {}

    /** Reports a failure thrown while a command ran and returns the exit code. */
    static int report(Exception exception, PrintWriter errors, boolean verbose) {
        CairnException cairn = find(exception, CairnException.class);
        int exitCode;
        if (cairn != null) {
            errors.println("error [" + cairn.errorCode() + "]: " + TerminalText.escape(String.valueOf(cairn.getMessage())));
            exitCode = USAGE_OR_REPORTED;
        } else if (find(exception, IOException.class) != null) {
            errors.println("error [IO_FAILURE]: " + TerminalText.escape(describe(find(exception, IOException.class)))
                    + (verbose ? "" : " (run with --verbose for the stack trace)"));
            exitCode = UNEXPECTED;
        } else {
            errors.println("error [UNEXPECTED]: " + TerminalText.escape(exception.getClass().getName() + ": " + exception.getMessage())
                    + (verbose ? "" : "; run with --verbose for the stack trace and report it as a bug"));
            exitCode = UNEXPECTED;
        }
        if (verbose) {
            exception.printStackTrace(errors);
        }
        errors.flush();
        return exitCode;
    }

    /** Reports a usage error (unknown option, missing or invalid value) in one line, with where help is, and returns 2. */
    static int reportUsage(CommandLine.ParameterException exception, PrintWriter errors, boolean verbose) {
        String command = exception.getCommandLine().getCommandSpec().qualifiedName();
        errors.println("error [USAGE]: " + TerminalText.escape(String.valueOf(exception.getMessage())) + " (see '" + command + " --help')");
        if (verbose) {
            exception.printStackTrace(errors);
        }
        errors.flush();
        return USAGE_OR_REPORTED;
    }

    private static String describe(IOException e) {
        if (e instanceof FileSystemException file) {
            String what = file instanceof AccessDeniedException ? "permission denied"
                    : file instanceof NoSuchFileException ? "no such file or directory"
                    : file instanceof FileAlreadyExistsException ? "a file is in the way"
                    : file instanceof NotDirectoryException ? "not a directory"
                    : file.getReason() != null ? file.getReason() : e.getClass().getSimpleName();
            return "could not write or read " + file.getFile() + (file.getOtherFile() != null ? " (" + file.getOtherFile() + ")" : "")
                    + ": " + what;
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static <T extends Throwable> T find(Throwable thrown, Class<T> type) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
            if (cause instanceof UncheckedIOException unchecked && type == IOException.class) {
                return type.cast(unchecked.getCause());
            }
        }
        return null;
    }
}
