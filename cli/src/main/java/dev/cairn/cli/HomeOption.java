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
    @Option(names = "--home", paramLabel = "<dir>", description = "Cairn home with the embedded stores (default: $CAIRN_HOME or ./.cairn)")
    Path home;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** The home given on this command, else on an enclosing one, else the default, as an absolute path. */
    Path home() {
        Path given = given();
        return given != null ? given.toAbsolutePath().normalize() : CairnConfiguration.defaultHome();
    }

    /** Opens Cairn on {@link #home()}. */
    Cairn open() {
        CairnConfiguration.Builder builder = Cairn.builder();
        Path given = given();
        if (given != null) {
            builder.home(given);
        }
        return builder.build();
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
