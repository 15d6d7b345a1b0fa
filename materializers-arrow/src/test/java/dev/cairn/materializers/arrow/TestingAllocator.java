package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.arrow.memory.RootAllocator;

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
}
