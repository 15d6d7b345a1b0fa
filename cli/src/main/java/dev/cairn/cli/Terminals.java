package dev.cairn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether standard input is a terminal, for commands that ask before they act. */
final class Terminals {
    private Terminals() {}

    /**
     * True when standard input is a terminal: {@link System#console()} exists (input and output are terminals), or,
     * on Linux, file descriptor 0 is a terminal device ({@code /dev/pts/N}, {@code /dev/ttyN}) while the output is
     * redirected. False for a pipe, a file or {@code /dev/null}.
     */
    static boolean standardInputIsTerminal() {
        if (System.console() != null) {
            return true;
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
