package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn dashboard} in a child JVM: prints its URL, serves read-only, stops cleanly on a TERM signal. */
class DashboardCommandTest {
    private static final Pattern URL = Pattern.compile("Cairn dashboard: (http://\\S+)");

    @TempDir
    Path home;

    private Process start(String... arguments) throws Exception {
        return startWith(List.of(), arguments);
    }

    private Process startWith(List<String> jvmOptions, String... arguments) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        if (sigintIgnored(ProcessHandle.current().pid())) {
            // Started in the background by a shell without job control, this JVM ignores SIGINT and its children
            // would inherit that; reset it to the default for the dashboard's JVM, as a terminal would have it.
            perl().ifPresent(perl -> command.addAll(List.of(perl.toString(), "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\"")));
        }
        command.addAll(List.of(java, "--add-opens=java.base/java.nio=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CairnCli.class.getName(), "--home", home.toString(), "dashboard"));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).redirectError(home.resolve("stderr.txt").toFile()).start();
    }

    private static URI url(Process process) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("first line of the dashboard's output").isNotNull();
        Matcher matcher = URL.matcher(line);
        assertThat(matcher.find()).as(line).isTrue();
        return URI.create(matcher.group(1));
    }

    @Test
    void servesOnLoopbackPrintsItsUrlAndStopsOnTerm() throws Exception {
        Process process = start("--port", "0");
        try {
            URI uri = url(process);
            assertThat(uri.getHost()).isEqualTo("127.0.0.1");
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> runs = client.send(HttpRequest.newBuilder(uri.resolve("/runs")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(runs.statusCode()).isEqualTo(200);
            assertThat(runs.body()).contains("No runs yet");
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri.resolve("/runs")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            process.destroy(); // SIGTERM, as Ctrl-C's SIGINT, runs the shutdown hooks
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(home.resolve("stderr.txt"))).contains("Cairn dashboard stopped.").doesNotContain("warning:");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void openHandsTheUrlToTheBrowserOpenerAndCtrlCStopsIt() throws Exception {
        // A stand-in for xdg-open: a real executable that records the URL it was given.
        Path opened = home.resolve("opened.txt");
        Path opener = home.resolve("fake-xdg-open");
        Files.writeString(opener, "#!/bin/sh\nprintf '%s' \"$1\" > '" + opened + "'\n");
        assertThat(opener.toFile().setExecutable(true)).isTrue();
        boolean signals = Files.isReadable(Path.of("/proc/self/status")) && onPath("kill").isPresent();
        org.junit.jupiter.api.Assumptions.assumeTrue(signals, "this platform has no /proc/PID/status or no kill command: no POSIX signals to test");
        requireOrAssume(!sigintIgnored(ProcessHandle.current().pid()) || perl().isPresent(),
                "SIGINT is ignored by this test's JVM (started in the background by a shell without job control) and there is no perl"
                        + " to reset it for the dashboard's JVM, so it cannot receive Ctrl-C; run the tests from a terminal or a shell with"
                        + " job control (set -m), or install perl");
        Process process = startWith(List.of("-Dcairn.open.command=" + opener), "--port", "0", "--open");
        try {
            URI uri = url(process);
            for (int i = 0; i < 200 && !(Files.exists(opened) && Files.size(opened) > 0); i++) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(opened)).isEqualTo(uri.toString());
            // Ctrl-C in a terminal sends SIGINT to the process.
            Process interrupt = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
            assertThat(interrupt.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(interrupt.exitValue()).isZero();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the dashboard ends after SIGINT").isTrue();
            assertThat(Files.readString(home.resolve("stderr.txt"))).contains("Cairn dashboard stopped.");
            assertThat(HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(uri.resolve("/runs")).build(), HttpResponse.BodyHandlers.ofString()))
                    .as("nothing listens on the port any more").failsWithin(java.time.Duration.ofSeconds(10));
        } finally {
            process.destroyForcibly();
        }
    }

    /**
     * Skips the test when {@code available} is false, or fails it when {@code CAIRN_REQUIRE_BROWSER=1} (set by
     * {@code ./run-tests} wherever it found or installed chromium, as in CI): there a skipped Ctrl-C test would let the
     * build pass without it.
     */
    static void requireOrAssume(boolean available, String message) {
        requireOrAssume(available, message, "1".equals(System.getenv("CAIRN_REQUIRE_BROWSER")));
    }

    static void requireOrAssume(boolean available, String message, boolean required) {
        if (required && !available) {
            throw new org.opentest4j.AssertionFailedError(message + " (CAIRN_REQUIRE_BROWSER=1: this test must run, not be skipped)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(available, message);
    }

    private static java.util.Optional<Path> perl() {
        return onPath("perl");
    }

    private static java.util.Optional<Path> onPath(String name) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .filter(directory -> !directory.isBlank()).map(directory -> Path.of(directory, name)).filter(Files::isExecutable).findFirst();
    }

    @Test
    void withCairnRequireBrowserAMissingPrerequisiteFailsInsteadOfSkipping() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> requireOrAssume(false, "no signals here", true))
                .isInstanceOf(org.opentest4j.AssertionFailedError.class).hasMessageContaining("no signals here").hasMessageContaining("CAIRN_REQUIRE_BROWSER=1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> requireOrAssume(false, "no signals here", false))
                .isInstanceOf(org.opentest4j.TestAbortedException.class).hasMessageContaining("no signals here");
        requireOrAssume(true, "present", true);
    }

    /** Whether the process ignores SIGINT: bit 2 (SIGINT) of the SigIgn mask in /proc/PID/status. */
    private static boolean sigintIgnored(long pid) throws Exception {
        if (!Files.isReadable(Path.of("/proc", Long.toString(pid), "status"))) {
            return false;
        }
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }

    @Test
    void anExplicitNonLoopbackBindWarns() throws Exception {
        Process process = start("--port", "0", "--bind", "0.0.0.0");
        try {
            URI uri = url(process);
            assertThat(uri.getHost()).isEqualTo("0.0.0.0");
            HttpResponse<String> runs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + InetAddress.getLoopbackAddress().getHostAddress()
                    + ":" + uri.getPort() + "/runs")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(runs.statusCode()).isEqualTo(200);
            assertThat(Files.readString(home.resolve("stderr.txt"))).contains("warning: the dashboard listens on 0.0.0.0");
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }

    @Test
    void aPortInUseIsAClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = CairnCli.execute(new String[] {"--home", home.toString(), "dashboard", "--port", String.valueOf(taken.getLocalPort())},
                    new PrintWriter(out, true), new PrintWriter(err, true));
            assertThat(code).isEqualTo(2);
            assertThat(err.toString()).contains("error [CONFIGURATION]").contains("Cannot listen on 127.0.0.1:" + taken.getLocalPort()).contains("--port");
        }
    }
}
