/**
 * The embedded metadata store: {@link dev.cairn.engine.metadata.sqlite.SqliteMetadataStore}, one SQLite file in WAL
 * mode that the threads of an engine and several processes can share; the SQLite dialect of
 * {@link dev.cairn.engine.metadata.jdbc}.
 *
 * <p>The schema is versioned ({@code schema_version}) and created by ordered migrations in
 * {@code SqliteSchema}; a database written by a newer Cairn is refused rather than guessed at. Ids are UUID
 * text, instants INTEGER nanoseconds since the epoch, maps canonical JSON text. Depends on core-api, the JDBC driver
 * and {@code metadata.jdbc} only (no Guice, no other engine package).
 */
package dev.cairn.engine.metadata.sqlite;
