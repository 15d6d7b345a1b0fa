package dev.cairn.materializers.arrow;

import java.lang.reflect.Type;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;

/** The {@link CairnException}s of this module, each naming the artifact and saying what to do. */
final class Failures {
    private Failures() {}

    /** A data file that cannot be read back: truncated, corrupted, or not what its metadata says. */
    static CairnException corrupted(String described, Throwable cause) {
        if (cause instanceof CairnException cairn) {
            return cairn;
        }
        return new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The " + described + " is truncated or corrupted and cannot be read ("
                + cause.getClass().getSimpleName() + ": " + cause.getMessage() + "). Check it with ArtifactVersion.verify(); "
                + "re-run the step that produced it to store a good copy.", cause);
    }

    static CairnException saving(String artifactName, Type type, String problem) {
        return saving(artifactName, type, problem, null);
    }

    static CairnException saving(String artifactName, Type type, String problem, Throwable cause) {
        return new CairnException(ErrorCode.MATERIALIZER_FAILED, "Cannot save artifact '" + artifactName + "' of type "
                + type.getTypeName() + " with materializer " + ArrowMaterializer.ID + ": " + problem, cause);
    }

    static CairnException loading(ErrorCode code, String artifactName, Type type, String problem) {
        return new CairnException(code, "Cannot load artifact '" + artifactName + "' as " + type.getTypeName()
                + " with materializer " + ArrowMaterializer.ID + ": " + problem);
    }
}
