package dev.cairn.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.engine.metadata.jdbc.JdbcMetadataStore;
import dev.cairn.engine.metadata.jdbc.MetadataCopy;
import dev.cairn.engine.metadata.postgres.PostgresLocation;
import dev.cairn.engine.metadata.postgres.PostgresMetadataStore;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStoreProvider;
import dev.cairn.engine.stack.StackSettings;
import dev.cairn.engine.stores.UriMasking;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cairn metadata migrate}: copies a metadata store (a home's SQLite file) into another (a PostgreSQL database). */
@Command(name = "metadata", description = "Manage metadata stores.", subcommands = {MetadataCommand.Migrate.class})
final class MetadataCommand extends GroupCommand {
    @Command(name = "migrate", description = "Copy every table of a metadata store into another one (e.g. a home's SQLite file into"
            + " PostgreSQL); rows already there are kept, so running it again changes nothing; counts are verified and printed;"
            + " a target holding other content under the same ids is refused, naming the first conflict, and nothing is copied.")
    static final class Migrate implements Callable<Integer> {
        @Mixin(name = "home")
        HomeOption home;

        @Option(names = "--from", paramLabel = "<uri>", description = "Source metadata URI, sqlite:/path/metadata.db (default: this home's metadata store)")
        URI from;

        @Option(names = "--to", required = true, paramLabel = "<uri>", description = "Target metadata URI, postgresql://host:port/db?user=NAME")
        URI to;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            URI source = from != null ? from : StackSettings.resolve(home.configuration()).metadata().uri();
            if (source.equals(to)) {
                throw new CairnException(ErrorCode.CONFIGURATION, "--from and --to name the same metadata store " + UriMasking.mask(source)
                        + "; give another --to");
            }
            out.printf("Migrating metadata from %s to %s%n", UriMasking.mask(source), UriMasking.mask(to));
            try (JdbcMetadataStore sourceStore = open(source, true); JdbcMetadataStore targetStore = open(to, false)) {
                MetadataCopy.Report report = MetadataCopy.copy(sourceStore, targetStore, out::println);
                out.printf("Done: %d rows in the source, %d copied, %d already there; every source row verified in the target.%n",
                        report.source(), report.copied(), report.source() - report.copied());
            }
            out.flush();
            return 0;
        }

        private JdbcMetadataStore open(URI uri, boolean mustExist) {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme.equals(SqliteMetadataStoreProvider.SCHEME)) {
                Path file = SqliteMetadataStoreProvider.databaseFile(uri, Optional.of(home.home()));
                if (mustExist && !Files.isRegularFile(file)) {
                    throw new CairnException(ErrorCode.CONFIGURATION, "No metadata to migrate: " + file + " does not exist; give the home with"
                            + " --home or the database with --from sqlite:/path/metadata.db");
                }
                return SqliteMetadataStore.open(file);
            }
            if (PostgresLocation.SCHEMES.contains(scheme)) {
                return PostgresMetadataStore.open(uri);
            }
            throw new CairnException(ErrorCode.CONFIGURATION, "Cannot migrate metadata " + (mustExist ? "from " : "to ") + UriMasking.mask(uri)
                    + ": only sqlite: and postgresql:// metadata stores can be migrated");
        }
    }
}
