/**
 * Building blocks for artifact store authors (the draft life cycle every staging-directory draft shares); optional:
 * a store may implement the SPI without them. Every type here is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.cairn.api.spi.support;

import org.jspecify.annotations.NullMarked;
