package dev.cairn.engine.metadata.postgres;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/**
 * Where a PostgreSQL metadata store is, parsed from {@code postgresql://host[:port]/database?user=…} (also
 * {@code postgres://}). The password comes, in order, from {@code password_file=} in the URI (a file holding it), the
 * environment variable {@code CAIRN_METADATA_PASSWORD}, or {@code password=} in the URI (discouraged: it shows in
 * shell histories); it is never part of {@link #display()}. Other query parameters: {@code pool_size} (default 8),
 * {@code connect_timeout} and {@code statement_timeout} in seconds; any other parameter is passed to the JDBC driver.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record PostgresLocation(String host, int port, String database, Optional<String> user, Optional<String> password, int poolSize,
        Duration connectTimeout, Optional<Duration> statementTimeout, Map<String, String> driverProperties) {
    /** The schemes of PostgreSQL metadata URIs. */
    public static final Set<String> SCHEMES = Set.of("postgresql", "postgres");

    public PostgresLocation {
        requireNonNull(host, "host is null");
        requireNonNull(database, "database is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(statementTimeout, "statementTimeout is null");
        driverProperties = Map.copyOf(driverProperties);
    }

    /**
     * Parses {@code uri}, reading the password from {@code environment} ({@code CAIRN_METADATA_PASSWORD}) or a file.
     *
     * @throws CairnException {@code CONFIGURATION} naming the URI (password masked) when it is not usable
     */
    public static PostgresLocation parse(URI uri, Function<String, String> environment) {
        requireNonNull(uri, "uri is null");
        requireNonNull(environment, "environment is null");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme) || uri.isOpaque()) {
            throw invalid(uri, "it is not a postgresql://host:port/database URI");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw invalid(uri, "it names no host");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        if (database.isEmpty() || database.contains("/")) {
            throw invalid(uri, "it names no database (the path must be /<database>)");
        }
        Map<String, String> query = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                query.put(key, value);
            }
        }
        Optional<String> user = Optional.ofNullable(query.remove("user"));
        String userInfo = uri.getRawUserInfo();
        Optional<String> inlinePassword = Optional.ofNullable(query.remove("password"));
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = Optional.of(URLDecoder.decode(colon < 0 ? userInfo : userInfo.substring(0, colon), StandardCharsets.UTF_8));
            if (colon >= 0) {
                inlinePassword = Optional.of(URLDecoder.decode(userInfo.substring(colon + 1), StandardCharsets.UTF_8));
            }
        }
        Optional<String> password;
        String passwordFile = query.remove("password_file");
        if (passwordFile != null) {
            try {
                password = Optional.of(Files.readString(Path.of(passwordFile)).strip());
            } catch (IOException | RuntimeException e) {
                throw invalid(uri, "its password file " + passwordFile + " cannot be read (" + e.getMessage() + ")");
            }
        } else if (environment.apply("CAIRN_METADATA_PASSWORD") != null) {
            password = Optional.of(environment.apply("CAIRN_METADATA_PASSWORD"));
        } else {
            password = inlinePassword;
        }
        int poolSize = intParameter(uri, query.remove("pool_size"), 8, "pool_size");
        Duration connectTimeout = Duration.ofSeconds(intParameter(uri, query.remove("connect_timeout"), 10, "connect_timeout"));
        String statementTimeoutText = query.remove("statement_timeout");
        Optional<Duration> statementTimeout = statementTimeoutText == null ? Optional.empty()
                : Optional.of(Duration.ofSeconds(intParameter(uri, statementTimeoutText, 0, "statement_timeout")));
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        return new PostgresLocation(uri.getHost(), port, database, user, password, poolSize, connectTimeout, statementTimeout, query);
    }

    private static int intParameter(URI uri, String text, int fallback, String name) {
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value < 1) {
                throw invalid(uri, name + " must be at least 1, got " + text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw invalid(uri, name + " must be a whole number, got '" + text + "'");
        }
    }

    /** The JDBC URL (driver properties included, no user or password). */
    public String jdbcUrl() {
        StringBuilder url = new StringBuilder("jdbc:postgresql://").append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port)
                .append('/').append(database);
        char separator = '?';
        for (Map.Entry<String, String> property : driverProperties.entrySet()) {
            url.append(separator).append(encode(property.getKey())).append('=').append(encode(property.getValue()));
            separator = '&';
        }
        return url.toString();
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** The location for messages and logs: {@code postgresql://user@host:port/database}, never the password. */
    public String display() {
        return "postgresql://" + user.map(u -> u + "@").orElse("") + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return display();
    }

    private static CairnException invalid(URI uri, String why) {
        return new CairnException(ErrorCode.CONFIGURATION, "Metadata URI '" + mask(uri) + "' is not usable: " + why
                + ". Use postgresql://host:port/database?user=NAME with the password in CAIRN_METADATA_PASSWORD or password_file=PATH");
    }

    /** {@code uri} with its password (user info or {@code password=}) replaced by {@code ****}. */
    static String mask(URI uri) {
        return uri.toString().replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@?#]*):[^@/?#]*@", "$1:****@")
                .replaceAll("(?i)([?&]password=)[^&#]*", "$1****");
    }
}
