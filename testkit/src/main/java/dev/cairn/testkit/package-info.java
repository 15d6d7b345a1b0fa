/**
 * Contract test kits for plugin authors: extend {@link dev.cairn.testkit.ArtifactStoreContract} or
 * {@link dev.cairn.testkit.MaterializerContract} in a test class and the whole SPI contract is checked. Every type here
 * is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.cairn.testkit;

import org.jspecify.annotations.NullMarked;
