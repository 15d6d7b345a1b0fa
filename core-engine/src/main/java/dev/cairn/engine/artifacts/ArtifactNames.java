package dev.cairn.engine.artifacts;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/** Artifact name rules: placeholder substitution, validation, and the directory-safe encoding of names. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ArtifactNames {
    public static final int MAX_LENGTH = 255;
    /**
     * The longest directory name a store accepts ({@code NAME_MAX} of Linux, macOS and HDFS's default component
     * limit): a name's {@link #encodeForPath encoded} form must fit, and a version's with the {@code -<short id>}
     * suffix (9 characters).
     */
    public static final int MAX_ENCODED_LENGTH = 255;
    private static final int VERSION_SUFFIX_LENGTH = 9;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy_MM_dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH_mm_ss_SSSSSS").withZone(ZoneOffset.UTC);

    private ArtifactNames() {}

    /** The built-in placeholders for a run started at {@code runStart} (UTC): {@code date} and {@code time}. */
    public static Map<String, String> builtInSubstitutions(Instant runStart) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("date", DATE.format(runStart));
        values.put("time", TIME.format(runStart));
        return values;
    }

    /**
     * Fills every {@code {placeholder}} of {@code template} from {@code values}.
     *
     * @param where describes the step and output, for the error message
     */
    public static String substitute(String template, Map<String, String> values, String where) {
        if (template.indexOf('{') < 0) {
            return template;
        }
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String key = matcher.group(1);
            String value = values.get(key);
            if (value == null) {
                throw new CairnException(ErrorCode.MISSING_PLACEHOLDER,
                        "Artifact name '" + template + "' of " + where + " uses placeholder {" + key + "}, which has no value. Known placeholders: "
                                + values.keySet() + ". Give it a value with StepOptions.builder().substitution(\"" + key
                                + "\", …) or PipelineOptions.builder().substitution(\"" + key + "\", …)");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** Checks a final artifact name (after substitution). */
    public static String validateName(String name, String where) {
        String problem = problem(name);
        if (problem == null) {
            problem = encodedLengthProblem(name, MAX_ENCODED_LENGTH);
        }
        if (problem != null) {
            throw new CairnException(ErrorCode.INVALID_ARTIFACT_NAME,
                    "Artifact name '" + printable(name) + "' of " + where + " is invalid: " + problem
                            + ". Use letters, digits and punctuation other than '/' and '\\', at most " + MAX_LENGTH + " characters");
        }
        return name;
    }

    /** Checks an explicit version string. */
    public static String validateVersion(String version, String where) {
        String problem = problem(version);
        if (problem == null) {
            problem = encodedLengthProblem(version, MAX_ENCODED_LENGTH - VERSION_SUFFIX_LENGTH);
        }
        if (problem != null) {
            throw new CairnException(ErrorCode.INVALID_ARTIFACT_NAME, "Version '" + printable(version) + "' of " + where + " is invalid: " + problem);
        }
        return version;
    }

    /**
     * Why the directory name of {@code name} would be too long for the file system, or null. Each UTF-8 byte other than
     * {@code A-Z a-z 0-9 . _ -} takes 3 characters, so the limit of 255 allows 255 such plain characters but only 85
     * one-byte others (such as {@code :}), 42 two-byte characters (such as {@code é}) or 28 three-byte ones (such as
     * {@code 雪}).
     */
    private static String encodedLengthProblem(String name, int limit) {
        int length = encodeForPath(name).length();
        if (length <= limit) {
            return null;
        }
        return "it is stored as a directory name of " + length + " characters, more than the " + limit + " file systems allow"
                + " (each UTF-8 byte other than A-Z a-z 0-9 . _ - takes 3 characters: at most " + limit / 3
                + " such bytes, e.g. " + limit / 6 + " characters like 'é' or " + limit / 9 + " like '雪'); shorten it";
    }

    private static String problem(String name) {
        if (name.isEmpty() || name.isBlank()) {
            return "it is empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "it is longer than " + MAX_LENGTH + " characters";
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            return "it contains a path separator ('/' or '\\')";
        }
        if (name.contains("..") || name.equals(".")) {
            return "it contains '..' or is '.'";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return "it contains a control character (U+" + String.format("%04X", (int) c) + ") at index " + i;
            }
        }
        if (name.startsWith(" ") || name.endsWith(" ")) {
            return "it starts or ends with a space";
        }
        return null;
    }

    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        name.codePoints().limit(300).forEach(cp -> {
            if (Character.isISOControl(cp)) {
                out.append(String.format("\\u%04X", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    /**
     * A directory-safe form of a validated name or version: letters, digits, {@code .}, {@code _} and {@code -}
     * stay; every other byte of its UTF-8 form (including {@code :}, which HDFS refuses in paths) becomes
     * {@code ~XX}. {@code ~} is unreserved in URIs, so the directory's URI shows the name as written here, without
     * a second layer of percent-encoding. The mapping is one-to-one.
     */
    public static String encodeForPath(String name) {
        StringBuilder out = new StringBuilder(name.length() + 16);
        for (byte b : name.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-') {
                out.append((char) c);
            } else {
                out.append('~').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /**
     * The artifact directory relative to the store root: {@code artifacts/<name>/<version>-<short id>}, where the
     * short id is the last 8 hex digits of the id (its random part; time-ordered ids share their leading digits).
     */
    public static String directory(String name, String version, java.util.UUID id) {
        String text = id.toString();
        return "artifacts/" + encodeForPath(name) + "/" + encodeForPath(version) + "-" + text.substring(text.length() - 8);
    }
}
