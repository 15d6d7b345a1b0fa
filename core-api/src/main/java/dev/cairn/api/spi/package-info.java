/** Null contract: every type in this package is non-null unless annotated {@code @Nullable}. */
@NullMarked
package dev.cairn.api.spi;

import org.jspecify.annotations.NullMarked;
