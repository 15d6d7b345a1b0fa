package dev.cairn.engine.stores;

import java.net.URI;
import java.util.regex.Pattern;

import org.apiguardian.api.API;

/** Hides passwords in URIs before they are printed or logged: user-info passwords and {@code password=} query values. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class UriMasking {
    private static final Pattern USER_INFO_PASSWORD = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@?#]*):[^@/?#]*@");
    private static final Pattern QUERY_PASSWORD = Pattern.compile("(?i)([?&](?:password|pass|pwd)=)[^&#]*");

    private UriMasking() {}

    /** {@code uri} as text with every password replaced by {@code ****}. */
    public static String mask(URI uri) {
        return mask(uri.toString());
    }

    /** {@code uri} as text with every password replaced by {@code ****}. */
    public static String mask(String uri) {
        String masked = USER_INFO_PASSWORD.matcher(uri).replaceFirst("$1:****@");
        return QUERY_PASSWORD.matcher(masked).replaceAll("$1****");
    }
}
