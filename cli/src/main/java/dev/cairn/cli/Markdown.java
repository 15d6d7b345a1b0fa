package dev.cairn.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apiguardian.api.API;

/**
 * A small, safe Markdown renderer for visualizations: headings, paragraphs, bullet and numbered lists, fenced code,
 * pipe tables (cells may hold {@code \|} for a bar, {@code \\} for a backslash and {@code <br>} for a line break),
 * inline code, bold, italic and links (http, https and mailto only; other targets stay text). Everything else is
 * escaped, so raw HTML in the source shows as text.
 *
 * <p>Linear time: each block line is looked at a bounded number of times, and inline markup is parsed in one pass
 * that finds closing delimiters through tables of "next occurrence" computed once per text, so no input (a long
 * paragraph of unmatched {@code [}, {@code **}, {@code _} or backticks) makes it rescan. Thread-safe and stateless.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Markdown {
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*)$");
    private static final Pattern BULLET = Pattern.compile("^([-*+]|\\d+[.)])\\s+(.*)$");
    private static final Pattern TABLE_RULE = Pattern.compile("\\|?\\s*:?-{2,}.*");
    /** Inline markup nested deeper than this is shown as text. */
    static final int MAX_NESTING = 32;

    private Markdown() {}

    /** The HTML of {@code source}. */
    public static String toHtml(String source) {
        StringBuilder html = new StringBuilder(source.length() + source.length() / 4 + 16);
        String[] lines = source.split("\r?\n", -1);
        List<String> paragraph = new ArrayList<>();
        String list = null;
        for (int i = 0; i < lines.length; i++) {
            String trimmed = lines[i].strip();
            if (trimmed.startsWith("```")) {
                flush(html, paragraph);
                list = closeList(html, list);
                StringBuilder code = new StringBuilder();
                for (i++; i < lines.length && !lines[i].strip().startsWith("```"); i++) {
                    code.append(lines[i]).append('\n');
                }
                html.append("<pre><code>").append(HtmlPage.escape(code.toString())).append("</code></pre>\n");
                continue;
            }
            if (trimmed.startsWith("|") && i + 1 < lines.length && TABLE_RULE.matcher(lines[i + 1].strip()).matches()) {
                flush(html, paragraph);
                list = closeList(html, list);
                html.append("<table><tr>");
                for (String cell : tableCells(trimmed)) {
                    html.append("<th>").append(cell(cell)).append("</th>");
                }
                html.append("</tr>");
                for (i += 2; i < lines.length && lines[i].strip().startsWith("|"); i++) {
                    html.append("<tr>");
                    for (String cell : tableCells(lines[i].strip())) {
                        html.append("<td>").append(cell(cell)).append("</td>");
                    }
                    html.append("</tr>");
                }
                i--;
                html.append("</table>\n");
                continue;
            }
            Matcher heading = HEADING.matcher(trimmed);
            if (heading.matches()) {
                flush(html, paragraph);
                list = closeList(html, list);
                int level = heading.group(1).length();
                html.append("<h").append(level).append('>').append(inline(heading.group(2))).append("</h").append(level).append(">\n");
                continue;
            }
            Matcher bullet = BULLET.matcher(trimmed);
            if (bullet.matches()) {
                flush(html, paragraph);
                String kind = Character.isDigit(bullet.group(1).charAt(0)) ? "ol" : "ul";
                if (!kind.equals(list)) {
                    closeList(html, list);
                    html.append('<').append(kind).append(">\n");
                    list = kind;
                }
                html.append("<li>").append(inline(bullet.group(2))).append("</li>\n");
                continue;
            }
            if (trimmed.isEmpty()) {
                flush(html, paragraph);
                list = closeList(html, list);
                continue;
            }
            list = closeList(html, list);
            paragraph.add(trimmed);
        }
        flush(html, paragraph);
        closeList(html, list);
        return html.toString();
    }

    /**
     * The cells of a table row: split on {@code |} that is not escaped; {@code \|} and {@code \\} stand for a bar and a
     * backslash (how {@code TextTable} and GitHub write them). Each cell is stripped.
     */
    static List<String> tableCells(String row) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        int start = row.startsWith("|") ? 1 : 0;
        int end = row.length();
        if (end > start && row.charAt(end - 1) == '|' && !escapedAt(row, end - 1)) {
            end--;
        }
        for (int i = start; i < end; i++) {
            char c = row.charAt(i);
            if (c == '\\' && i + 1 < end && (row.charAt(i + 1) == '|' || row.charAt(i + 1) == '\\')) {
                cell.append(row.charAt(++i));
            } else if (c == '|') {
                cells.add(cell.toString().strip());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString().strip());
        return cells;
    }

    /** Whether the character at {@code index} is preceded by an odd number of backslashes. */
    private static boolean escapedAt(String text, int index) {
        int backslashes = 0;
        for (int i = index - 1; i >= 0 && text.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /** A table cell: inline markup, with {@code <br>} (any case) as a line break. */
    private static String cell(String text) {
        StringBuilder html = new StringBuilder(text.length() + 8);
        String lower = text.toLowerCase(Locale.ROOT);
        int start = 0;
        for (int br = lower.indexOf("<br>"); br >= 0; br = lower.indexOf("<br>", start)) {
            html.append(inline(text.substring(start, br))).append("<br>");
            start = br + 4;
        }
        return html.append(inline(text.substring(start))).toString();
    }

    private static void flush(StringBuilder html, List<String> paragraph) {
        if (!paragraph.isEmpty()) {
            html.append("<p>").append(inline(String.join(" ", paragraph))).append("</p>\n");
            paragraph.clear();
        }
    }

    private static String closeList(StringBuilder html, String list) {
        if (list != null) {
            html.append("</").append(list).append(">\n");
        }
        return null;
    }

    /** Inline markup over {@code text}, escaping everything that is not markup. */
    static String inline(String text) {
        StringBuilder html = new StringBuilder(text.length() + 16);
        new Inline(text).render(0, text.length(), html, 0);
        return html.toString();
    }

    /** One pass of inline parsing over a text, with next-occurrence tables so that no delimiter search rescans. */
    private static final class Inline {
        private final String text;
        private final int[] nextBacktick;
        private final int[] nextCloseBracket;
        private final int[] targetEnd;
        private final int[] nextDoubleStar;
        private final int[] nextStarCloser;
        private final int[] nextUnderscoreCloser;

        Inline(String text) {
            this.text = text;
            int n = text.length();
            nextBacktick = new int[n + 2];
            nextCloseBracket = new int[n + 2];
            targetEnd = new int[n + 2];
            nextDoubleStar = new int[n + 2];
            nextStarCloser = new int[n + 2];
            nextUnderscoreCloser = new int[n + 2];
            for (int[] table : List.of(nextBacktick, nextCloseBracket, targetEnd, nextDoubleStar, nextStarCloser, nextUnderscoreCloser)) {
                table[n] = -1;
                table[n + 1] = -1;
            }
            targetEnd[n] = n;
            targetEnd[n + 1] = n;
            for (int i = n - 1; i >= 0; i--) {
                char c = text.charAt(i);
                nextBacktick[i] = c == '`' ? i : nextBacktick[i + 1];
                nextCloseBracket[i] = c == ']' ? i : nextCloseBracket[i + 1];
                targetEnd[i] = c == ')' || Character.isWhitespace(c) ? i : targetEnd[i + 1];
                nextDoubleStar[i] = c == '*' && i + 1 < n && text.charAt(i + 1) == '*' ? i : nextDoubleStar[i + 1];
                nextStarCloser[i] = c == '*' && isEmphasisCloser(i) ? i : nextStarCloser[i + 1];
                nextUnderscoreCloser[i] = c == '_' && isEmphasisCloser(i) ? i : nextUnderscoreCloser[i + 1];
            }
        }

        private char at(int i) {
            return i >= 0 && i < text.length() ? text.charAt(i) : ' ';
        }

        /** A closing {@code *} or {@code _}: not after a space or star, not before a star or a word character. */
        private boolean isEmphasisCloser(int i) {
            char before = at(i - 1);
            char after = at(i + 1);
            return i > 0 && !Character.isWhitespace(before) && before != '*' && after != '*' && !isWordCharacter(after);
        }

        /** An opening {@code *} or {@code _}: not after a star or a word character, not before a space or star. */
        private boolean isEmphasisOpener(int i) {
            char before = at(i - 1);
            char after = at(i + 1);
            return (i == 0 || before != '*' && !isWordCharacter(before)) && i + 1 < text.length() && after != '*' && !Character.isWhitespace(after);
        }

        private static boolean isWordCharacter(char c) {
            return Character.isLetterOrDigit(c) || c == '_';
        }

        void render(int from, int to, StringBuilder html, int depth) {
            int i = from;
            while (i < to) {
                char c = text.charAt(i);
                if (depth >= MAX_NESTING) {
                    appendEscaped(c, html); // deeper markup stays text: no input can exhaust the stack
                    i++;
                    continue;
                }
                if (c == '`') {
                    int close = i + 1 < to ? nextBacktick[i + 1] : -1;
                    if (close > i + 1 && close < to) {
                        html.append("<code>").append(HtmlPage.escape(text.substring(i + 1, close))).append("</code>");
                        i = close + 1;
                        continue;
                    }
                } else if (c == '[') {
                    int close = nextCloseBracket[i + 1];
                    if (close >= 0 && close + 1 < to && text.charAt(close + 1) == '(') {
                        int end = targetEnd[close + 2];
                        if (end < to && text.charAt(end) == ')') {
                            link(i + 1, close, text.substring(close + 2, end), html, depth);
                            i = end + 1;
                            continue;
                        }
                    }
                } else if (c == '*' && at(i + 1) == '*') {
                    int close = i + 3 < text.length() ? nextDoubleStar[i + 3] : -1;
                    if (close >= 0 && close + 1 < to) {
                        html.append("<strong>");
                        render(i + 2, close, html, depth + 1);
                        html.append("</strong>");
                        i = close + 2;
                        continue;
                    }
                } else if ((c == '*' || c == '_') && isEmphasisOpener(i)) {
                    int[] closers = c == '*' ? nextStarCloser : nextUnderscoreCloser;
                    int close = i + 2 < text.length() ? closers[i + 2] : -1;
                    if (close >= 0 && close < to) {
                        html.append("<em>");
                        render(i + 1, close, html, depth + 1);
                        html.append("</em>");
                        i = close + 1;
                        continue;
                    }
                }
                appendEscaped(c, html);
                i++;
            }
        }

        private void link(int labelFrom, int labelTo, String target, StringBuilder html, int depth) {
            String lower = target.toLowerCase(Locale.ROOT);
            if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("mailto:")) {
                html.append("<a href=\"").append(HtmlPage.escape(target)).append("\" rel=\"noopener noreferrer\">");
                render(labelFrom, labelTo, html, depth + 1);
                html.append("</a>");
            } else {
                render(labelFrom, labelTo, html, depth + 1);
                html.append(" (").append(HtmlPage.escape(target)).append(')');
            }
        }

        private static void appendEscaped(char c, StringBuilder html) {
            switch (c) {
                case '<' -> html.append("&lt;");
                case '>' -> html.append("&gt;");
                case '&' -> html.append("&amp;");
                case '"' -> html.append("&quot;");
                case '\'' -> html.append("&#39;");
                default -> html.append(c);
            }
        }
    }
}
