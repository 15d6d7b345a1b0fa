package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A root allocator for one test that fails the test when any buffer is still allocated at the end. */
final class TestingAllocator {
    private TestingAllocator() {}

    static RootAllocator create() {
        return new RootAllocator();
    }

    /** Asserts nothing is outstanding, then closes (which itself throws on a leak). */
    static void closeAndAssertNoLeaks(RootAllocator allocator) {
        assertThat(allocator.getAllocatedMemory()).as("Arrow memory still allocated at the end of the test:\n" + allocator.toVerboseString()).isZero();
        allocator.close();
    }

    /**
     * The same as a JUnit extension: a fresh allocator before each test (before the class's {@code @BeforeEach} methods),
     * closed and checked for leaks after it (after the class's {@code @AfterEach} methods). Register it as a field:
     * {@code @RegisterExtension final TestingAllocator.PerTest arrow = new TestingAllocator.PerTest();}
     */
    static final class PerTest implements BeforeEachCallback, AfterEachCallback {
        private RootAllocator allocator;

        /** This test's allocator. */
        RootAllocator get() {
            return allocator;
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            allocator = create();
        }

        @Override
        public void afterEach(ExtensionContext context) {
            closeAndAssertNoLeaks(allocator);
        }
    }
}
