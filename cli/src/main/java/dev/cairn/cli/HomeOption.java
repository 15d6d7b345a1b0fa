package dev.cairn.cli;

import java.nio.file.Path;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnConfiguration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code --home} option, mixed into {@code cairn} and into every command that opens a home: given after the command
 * ({@code cairn runs list --home h}) it wins over one given before it ({@code cairn --home h runs list}); without either,
 * {@code $CAIRN_HOME} or {@code ./.cairn}.
 */
final class HomeOption {
    @Option(names = "--home", paramLabel = "<dir>", converter = HomeOption.NonEmptyPath.class, description = "Cairn home with the embedded stores (default: $CAIRN_HOME or ./.cairn)")
    Path home;

    @Option(names = "--metadata", paramLabel = "<uri>",
            description = "Metadata store URI: sqlite:/path/metadata.db or postgresql://host:port/db?user=NAME (default: $CAIRN_METADATA,"
                    + " else 'metadata' in <home>/cairn.properties, else <home>/metadata.db)")
    java.net.URI metadata;

    @Option(names = "--store", paramLabel = "<uri>",
            description = "Artifact store URI: file:/path, hdfs://namenode/path (default: $CAIRN_ARTIFACT_STORE, else 'store' in"
                    + " <home>/cairn.properties, else <home>/store)")
    java.net.URI store;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** The home given on this command, else on an enclosing one, else the default, as an absolute path. */
    Path home() {
        Path given = given();
        return given != null ? given.toAbsolutePath().normalize() : CairnConfiguration.defaultHome();
    }

    /** Turns the text of {@code --home} into a path, refusing an empty or blank one (which would silently mean "here"). */
    static final class NonEmptyPath implements picocli.CommandLine.ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            if (value.isBlank()) {
                throw new picocli.CommandLine.TypeConversionException("the home directory is empty; give a directory, or leave"
                        + " --home out to use $CAIRN_HOME or ./.cairn");
            }
            return Path.of(value);
        }
    }

    /**
     * Opens Cairn on {@link #home()}.
     *
     * @throws dev.cairn.api.CairnException {@code CONFIGURATION} naming the home when it is a file or is read-only
     */
    Cairn open() {
        checkUsable(home());
        CairnConfiguration.Builder builder = Cairn.builder();
        Path given = given();
        if (given != null) {
            builder.home(given);
        }
        metadataGiven().ifPresent(builder::metadata);
        storeGiven().ifPresent(builder::artifactStore);
        return builder.build();
    }

    /** A home Cairn can open: a missing directory (created) or a writable one; SQLite writes beside metadata.db even to read. */
    private static void checkUsable(Path home) {
        if (!java.nio.file.Files.exists(home)) {
            return;
        }
        if (!java.nio.file.Files.isDirectory(home)) {
            throw new dev.cairn.api.CairnException(dev.cairn.api.ErrorCode.CONFIGURATION, "Cairn home " + home
                    + " is not a directory; give --home a directory (it is created when missing)");
        }
        if (!java.nio.file.Files.isWritable(home)) {
            throw new dev.cairn.api.CairnException(dev.cairn.api.ErrorCode.CONFIGURATION, "Cairn home " + home
                    + " is read-only; Cairn writes its metadata log (metadata.db-wal) there even to read: make it writable,"
                    + " or copy the home to a writable place and give --home the copy");
        }
    }

    /** The configuration {@link #open()} would open, without opening it. */
    CairnConfiguration configuration() {
        CairnConfiguration.Builder builder = Cairn.builder();
        Path given = given();
        if (given != null) {
            builder.home(given);
        }
        metadataGiven().ifPresent(builder::metadata);
        storeGiven().ifPresent(builder::artifactStore);
        return builder.configuration();
    }

    /** {@code --metadata} given on this command or an enclosing one (the innermost wins). */
    java.util.Optional<java.net.URI> metadataGiven() {
        for (CommandSpec command = mixee; command != null; command = command.parent()) {
            Object mixin = command.mixins().containsKey("home") ? command.mixins().get("home").userObject() : null;
            if (mixin instanceof HomeOption option && option.metadata != null) {
                return java.util.Optional.of(option.metadata);
            }
        }
        return java.util.Optional.empty();
    }

    /** {@code --store} given on this command or an enclosing one (the innermost wins). */
    java.util.Optional<java.net.URI> storeGiven() {
        for (CommandSpec command = mixee; command != null; command = command.parent()) {
            Object mixin = command.mixins().containsKey("home") ? command.mixins().get("home").userObject() : null;
            if (mixin instanceof HomeOption option && option.store != null) {
                return java.util.Optional.of(option.store);
            }
        }
        return java.util.Optional.empty();
    }

    private Path given() {
        for (CommandSpec command = mixee; command != null; command = command.parent()) {
            Object mixin = command.mixins().containsKey("home") ? command.mixins().get("home").userObject() : null;
            if (mixin instanceof HomeOption option && option.home != null) {
                return option.home;
            }
        }
        return null;
    }
}
