/**
 * The artifact store on a local file system: {@link dev.cairn.stores.local.LocalArtifactStore}, created for
 * {@code file:} URIs by {@link dev.cairn.stores.local.LocalArtifactStoreProvider} and registered by
 * {@link dev.cairn.stores.local.LocalStorePlugin}.
 */
@NullMarked
package dev.cairn.stores.local;

import org.jspecify.annotations.NullMarked;
