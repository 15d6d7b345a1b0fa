/** The PostgreSQL dialect of the JDBC metadata store, for metadata shared by many processes and machines. */
package dev.cairn.engine.metadata.postgres;
