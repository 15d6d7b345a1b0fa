package dev.cairn.dashboard;

import org.junit.jupiter.api.Assumptions;
import org.opentest4j.AssertionFailedError;

/**
 * Whether the browser tests may skip. Locally they skip, saying what to install, when no chromium is configured;
 * {@code ./run-tests} exports {@code CAIRN_REQUIRE_BROWSER=1} wherever it found or installed chromium (as in CI), and
 * then a missing browser fails the tests, so a build cannot pass without having run them.
 */
final class TestingBrowser {
    static final String REQUIRE_BROWSER = "CAIRN_REQUIRE_BROWSER";

    private TestingBrowser() {}

    /** The chromium executable named by {@code CAIRN_TEST_CHROMIUM}; otherwise the test is skipped or, when required, fails. */
    static String chromium() {
        return chromium(System.getenv("CAIRN_TEST_CHROMIUM"), "1".equals(System.getenv(REQUIRE_BROWSER)));
    }

    static String chromium(String configured, boolean required) {
        String message = "CAIRN_TEST_CHROMIUM is not set: install Debian's chromium (apt-get install chromium) and set"
                + " CAIRN_TEST_CHROMIUM=/usr/bin/chromium, or run ./run-tests";
        boolean present = configured != null && !configured.isBlank();
        if (required && !present) {
            throw new AssertionFailedError(message + " (" + REQUIRE_BROWSER + "=1: the browser tests must run, not be skipped)");
        }
        Assumptions.assumeTrue(present, message);
        return configured;
    }
}
