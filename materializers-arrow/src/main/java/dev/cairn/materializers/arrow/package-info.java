/**
 * Columnar dataframes as artifacts: Arrow {@code Table}s, {@code VectorSchemaRoot}s and lists of Java records,
 * stored as Parquet (the default) or as an Arrow IPC file, loaded whole or in part (columns, row limit).
 * The entry point is {@link dev.cairn.materializers.arrow.ArrowPlugin}; the materializer is
 * {@link dev.cairn.materializers.arrow.ArrowMaterializer}.
 *
 * <p>Arrow needs {@code --add-opens=java.base/java.nio=ALL-UNNAMED} on the JVM that runs it.
 */
@NullMarked
package dev.cairn.materializers.arrow;

import org.jspecify.annotations.NullMarked;
