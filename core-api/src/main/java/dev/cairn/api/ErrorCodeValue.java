package dev.cairn.api;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

import org.apiguardian.api.API;

/**
 * The identity of an error: who defines it, its name, and the Cairn {@link ErrorCode} it falls under. Callers that
 * only know Cairn's codes branch on {@link #category()} (a third-party store's "bucket gone" is still a
 * {@code STORE_FAILURE}); callers that know the plugin branch on {@link #id()}.
 *
 * @param owner who defines the code: {@code cairn} for Cairn's own, a plugin's reverse-DNS name (for example
 *     {@code com.acme.store}) for others; lower-case letters, digits, {@code .}, {@code _} and {@code -}
 * @param name the code's name, unique within its owner: upper-case letters, digits and {@code _}, starting with a letter
 * @param category the Cairn code this one is a kind of
 */
@API(status = API.Status.STABLE, since = "0.1")
public record ErrorCodeValue(String owner, String name, ErrorCode category) {
    /** The owner of Cairn's own codes. */
    public static final String CAIRN = "cairn";

    private static final Pattern OWNER = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]*");

    /**
     * @throws IllegalArgumentException if {@code owner} or {@code name} does not follow its rule (a programming error)
     */
    public ErrorCodeValue {
        requireNonNull(owner, "owner is null");
        requireNonNull(name, "name is null");
        requireNonNull(category, "category is null");
        if (!OWNER.matcher(owner).matches()) {
            throw new IllegalArgumentException("Error code owner '" + owner + "' must be lower-case letters, digits, '.', '_' or '-'"
                    + " (a reverse-DNS name such as com.acme.store)");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Error code name '" + name + "' must be upper-case letters, digits or '_', starting with a letter");
        }
    }

    /** {@code owner:name}, unique across Cairn and its plugins, e.g. {@code cairn:STORE_FAILURE}. */
    public String id() {
        return owner + ":" + name;
    }

    /** Whether this is one of Cairn's own codes (an {@link ErrorCode} constant). */
    public boolean isCairnCode() {
        return owner.equals(CAIRN);
    }

    @Override
    public String toString() {
        return isCairnCode() ? name : id() + " (" + category.name() + ")";
    }
}
