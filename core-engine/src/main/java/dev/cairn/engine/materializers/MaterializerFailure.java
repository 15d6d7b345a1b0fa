package dev.cairn.engine.materializers;

import java.lang.reflect.Type;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;

/** Builds the {@link ErrorCode#MATERIALIZER_FAILED} exceptions of the built-in materializers, naming artifact and type. */
final class MaterializerFailure {
    private MaterializerFailure() {}

    static CairnException saving(String materializerId, String artifactName, Type type, String problem) {
        return saving(materializerId, artifactName, type, problem, null);
    }

    static CairnException saving(String materializerId, String artifactName, Type type, String problem, Throwable cause) {
        return new CairnException(ErrorCode.MATERIALIZER_FAILED, "Cannot save artifact '" + artifactName + "' of type "
                + type.getTypeName() + " with materializer " + materializerId + ": " + problem, cause);
    }

    static CairnException loading(String materializerId, String artifactName, Type type, String problem) {
        return loading(materializerId, artifactName, type, problem, null);
    }

    static CairnException loading(String materializerId, String artifactName, Type type, String problem, Throwable cause) {
        return new CairnException(ErrorCode.MATERIALIZER_FAILED, "Cannot load artifact '" + artifactName + "' as type "
                + type.getTypeName() + " with materializer " + materializerId + ": " + problem, cause);
    }
}
