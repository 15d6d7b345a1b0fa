/**
 * Contract test kits for plugin authors: abstract JUnit 5 classes that check an implementation of a Cairn SPI against
 * the whole contract ({@link dev.cairn.testkit.ArtifactStoreContract}, {@link dev.cairn.testkit.MaterializerContract},
 * {@link dev.cairn.testkit.MetadataStoreContract}). Depend on {@code cairn-testkit} in test scope and extend one class.
 * Every type here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.cairn.testkit;

import org.jspecify.annotations.NullMarked;
