/**
 * The artifact store on a Hadoop file system: {@link dev.cairn.stores.hdfs.HdfsArtifactStore}, created for
 * {@code hdfs:} and other Hadoop URIs by {@link dev.cairn.stores.hdfs.HdfsArtifactStoreProvider} and registered by
 * {@link dev.cairn.stores.hdfs.HdfsStorePlugin}.
 */
@NullMarked
package dev.cairn.stores.hdfs;

import org.jspecify.annotations.NullMarked;
