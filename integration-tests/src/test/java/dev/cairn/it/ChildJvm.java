package dev.cairn.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts a main class of the test class path in a separate JVM. */
final class ChildJvm {
    private ChildJvm() {}

    static Process start(Class<?> mainClass, Path log, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        List<String> command = new ArrayList<>(List.of(java, "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * Waits (at most a minute) until the child creates {@code marker}, then fails with {@code what} and the child's
     * log if it did not.
     */
    static void awaitMarker(Process child, Path marker, Path log, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(marker) && System.nanoTime() < deadline && child.isAlive()) {
            Thread.sleep(20);
        }
        if (!Files.exists(marker)) {
            throw new AssertionError("the child did not signal that it " + what + "; its log:\n" + Files.readString(log));
        }
    }
}
