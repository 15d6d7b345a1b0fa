/**
 * The metadata layer over JDBC: {@link dev.cairn.engine.metadata.jdbc.JdbcMetadataStore} runs each
 * {@link dev.cairn.api.metadata.MetadataStore} operation as one transaction of a
 * {@link dev.cairn.engine.metadata.jdbc.SqlDatabase}, with the SQL in one repository per aggregate (pipeline runs,
 * step runs, artifact versions, lineage, cache entries and leases, deletions, schema) written against a
 * {@link dev.cairn.engine.metadata.jdbc.SqlDialect}, and the prepare / bind / map steps in
 * {@link dev.cairn.engine.metadata.jdbc.SqlSession}.
 *
 * <p>Depends on core-api, JDBC, Jackson and SLF4J only (no Guice, no other engine package), so that it can become the
 * {@code metadata-jdbc} module; SQLite is one dialect ({@code dev.cairn.engine.metadata.sqlite}).
 */
package dev.cairn.engine.metadata.jdbc;
