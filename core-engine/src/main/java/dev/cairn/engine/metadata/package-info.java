/**
 * The embedded metadata store: {@link dev.cairn.engine.metadata.SqliteMetadataStore}, one SQLite file in WAL
 * mode that the threads of an engine and several processes can share.
 *
 * <p>The schema is versioned ({@code schema_version}) and created by ordered migrations in
 * {@code MetadataSchema}; a database written by a newer Cairn is refused rather than guessed at. Ids are UUID
 * text, instants INTEGER nanoseconds since the epoch, maps canonical JSON text.
 */
package dev.cairn.engine.metadata;
