package dev.cairn.api;

import org.apiguardian.api.API;

/**
 * Supplies the code a {@link CairnException} carries. Cairn's own codes are the constants of {@link ErrorCode}; a
 * plugin that needs codes of its own (a store's "bucket gone", a materializer's "unsupported dtype") implements this
 * interface, typically on an enum of its own, so that its failures keep their identity instead of being forced into a
 * Cairn code:
 *
 * <pre>{@code
 * enum AcmeStoreError implements ErrorCodeSupplier {
 *     BUCKET_GONE(ErrorCode.STORE_FAILURE);
 *     private final ErrorCodeValue code;
 *     AcmeStoreError(ErrorCode category) { code = new ErrorCodeValue("com.acme.store", name(), category); }
 *     public ErrorCodeValue code() { return code; }
 * }
 * throw new CairnException(AcmeStoreError.BUCKET_GONE, "The bucket of " + uri + " was deleted; ...");
 * }</pre>
 */
@API(status = API.Status.STABLE, since = "0.1")
@FunctionalInterface
public interface ErrorCodeSupplier {
    /** The code; never {@code null}, and equal on every call. */
    ErrorCodeValue code();
}
