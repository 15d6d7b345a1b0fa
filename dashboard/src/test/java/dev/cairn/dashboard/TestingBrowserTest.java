package dev.cairn.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class TestingBrowserTest {
    @Test
    void withoutChromiumTheBrowserTestsSkipLocallyButFailWhenCairnRequireBrowserIsSet() {
        assertThatThrownBy(() -> TestingBrowser.chromium(null, false))
                .isInstanceOf(TestAbortedException.class).hasMessageContaining("apt-get install chromium");
        assertThatThrownBy(() -> TestingBrowser.chromium(" ", true))
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("CAIRN_TEST_CHROMIUM is not set")
                .hasMessageContaining("CAIRN_REQUIRE_BROWSER=1");
        assertThat(TestingBrowser.chromium("/usr/bin/chromium", true)).isEqualTo("/usr/bin/chromium");
    }
}
