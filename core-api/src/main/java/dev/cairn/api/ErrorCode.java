package dev.cairn.api;

import org.apiguardian.api.API;

/**
 * Cairn's own kinds of problem a {@link CairnException} reports; stable, so callers may branch on it. Plugins with
 * codes of their own supply them through {@link ErrorCodeSupplier}, each falling under one of these.
 */
@API(status = API.Status.STABLE, since = "0.1")
public enum ErrorCode implements ErrorCodeSupplier {
    /** A pipeline definition is malformed (bad wiring, duplicate names, no steps). */
    INVALID_DEFINITION,
    /** A method used as a step is not a usable {@code @Step} method. */
    INVALID_STEP_METHOD,
    /** Step parameter names are missing from the class file (compile with {@code -parameters}). */
    MISSING_PARAMETER_NAMES,
    /** An artifact of one type is wired where another type is expected. */
    TYPE_MISMATCH,
    /** A parameter value is not a JSON value. */
    INVALID_PARAMETER,
    /** No registered materializer can store a type. */
    NO_MATERIALIZER,
    /** Several materializers of equal specificity can store a type. */
    AMBIGUOUS_MATERIALIZER,
    /** A materializer failed to save or load a value. */
    MATERIALIZER_FAILED,
    /** A step returned {@code null} for an output that is not {@code Optional}. */
    NULL_OUTPUT,
    /** An artifact name is empty, too long, or contains a path separator, {@code ..} or a control character. */
    INVALID_ARTIFACT_NAME,
    /** An artifact name template uses a placeholder that has no value. */
    MISSING_PLACEHOLDER,
    /** An explicit artifact version already exists for that name. */
    DUPLICATE_VERSION,
    /** No artifact version with the requested name, version or id exists. */
    ARTIFACT_NOT_FOUND,
    /** No pipeline run with the requested id exists. */
    RUN_NOT_FOUND,
    /** A run has no step, or a step no output, of the requested name. */
    STEP_NOT_FOUND,
    /** A URI or path resolves outside the root of its artifact store. */
    PATH_OUTSIDE_STORE,
    /** No artifact store provider handles a URI's scheme. */
    UNSUPPORTED_URI,
    /** The artifact store failed (I/O error, permission, quota). */
    STORE_FAILURE,
    /** The metadata store failed. */
    METADATA_FAILURE,
    /** Stored data does not match its recorded hash, or its files are missing. */
    INTEGRITY_VIOLATION,
    /** A step's own code threw. */
    STEP_FAILED,
    /** A configuration value or a plugin is unusable. */
    CONFIGURATION,
    /** An argument to an API method is invalid. */
    INVALID_ARGUMENT,
    /** The engine was closed: open a new one. */
    ENGINE_CLOSED;

    /** This code as a value: owner {@code cairn}, this constant's name, and itself as the category. */
    @Override
    public ErrorCodeValue code() {
        return new ErrorCodeValue(ErrorCodeValue.CAIRN, name(), this);
    }
}
