/**
 * Parquet bytes that do not depend on the JVM that wrote them: {@link dev.cairn.materializers.arrow.parquet.CanonicalFooterStream}
 * puts the set-ordered lists of a Parquet footer in a fixed order before the bytes reach the artifact (and its hash).
 * Used by this module's Parquet writers and by {@code cairn-spark}'s executors.
 */
@NullMarked
package dev.cairn.materializers.arrow.parquet;

import org.jspecify.annotations.NullMarked;
