/**
 * Choosing a materializer for a value type ({@link dev.cairn.engine.materializers.MaterializerRegistry}) and
 * the built-in materializers: JSON, raw bytes and NumPy {@code .npy}.
 */
@NullMarked
package dev.cairn.engine.materializers;

import org.jspecify.annotations.NullMarked;
