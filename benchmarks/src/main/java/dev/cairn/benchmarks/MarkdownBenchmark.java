package dev.cairn.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cairn.cli.Markdown;

/**
 * Speed of the visualization Markdown renderer on one paragraph of text with many unmatched delimiters ({@code [},
 * {@code *}, {@code _}: what a visualization of identifiers or a table dump holds), at growing sizes. The baseline,
 * measured in the same run on the same inputs, is the inline renderer Cairn had before issue #12 (regular
 * expressions with lazy quantifiers, reproduced below verbatim), which is quadratic; it runs only up to
 * {@code maxBaselineChars}. Both are warmed up first; each size reports the best of 7 (linear) or 2 (baseline) runs.
 * Prints milliseconds and nanoseconds per character of each, and their ratio.
 *
 * <p>Usage: {@code java -cp ... dev.cairn.benchmarks.MarkdownBenchmark [maxChars] [maxBaselineChars]}
 */
public final class MarkdownBenchmark {
    private MarkdownBenchmark() {}

    public static void main(String[] args) {
        int maxChars = args.length > 0 ? Integer.parseInt(args[0]) : 768_000;
        int maxBaseline = args.length > 1 ? Integer.parseInt(args[1]) : 48_000;
        System.out.printf(Locale.ROOT, "markdown benchmark: %d processors, Java %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        for (int size = 6_000; size <= maxChars; size *= 2) { // warm-up of both, so that the JIT has compiled them
            String paragraph = paragraph(size);
            Markdown.toHtml(paragraph);
            if (size <= 12_000) {
                QuadraticBaseline.inline(paragraph);
            }
        }
        System.out.printf(Locale.ROOT, "%10s %12s %10s %14s %10s %8s%n", "chars", "linear ms", "ns/char", "baseline ms", "ns/char", "ratio");
        for (int size = 6_000; size <= maxChars; size *= 2) {
            String paragraph = paragraph(size);
            double linear = bestMillis(() -> Markdown.toHtml(paragraph), 7);
            String baselineMs = "-";
            String baselinePerChar = "-";
            String ratio = "-";
            if (size <= maxBaseline) {
                double baseline = bestMillis(() -> QuadraticBaseline.inline(paragraph), 2);
                baselineMs = String.format(Locale.ROOT, "%.1f", baseline);
                baselinePerChar = String.format(Locale.ROOT, "%.0f", baseline * 1e6 / size);
                ratio = String.format(Locale.ROOT, "%.0fx", baseline / linear);
            }
            System.out.printf(Locale.ROOT, "%10d %12.2f %10.1f %14s %10s %8s%n", size, linear, linear * 1e6 / size, baselineMs, baselinePerChar, ratio);
        }
    }

    /** Identifiers, brackets and stars that never close, as a visualization of code or data may hold. */
    static String paragraph(int size) {
        StringBuilder text = new StringBuilder(size + 32);
        String[] words = {"feature_a", "[x", "*weight", "_bias", "col[3]", "a*b", "snake_case_name", "(note)"};
        for (int i = 0; text.length() < size; i++) {
            text.append(words[i % words.length]).append(' ');
        }
        return text.substring(0, size - 1) + "z"; // the same ending at every size: no closing delimiter at the end
    }

    private static double bestMillis(Runnable work, int repeats) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            work.run();
            best = Math.min(best, (System.nanoTime() - start) / 1e6);
        }
        return best;
    }

    /** The inline renderer of {@code HtmlPage} before issue #12, unchanged but for its HTML escaping function. */
    static final class QuadraticBaseline {
        private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)]\\(([^)\\s]*)\\)");
        private static final Pattern BOLD = Pattern.compile("\\*\\*(.+?)\\*\\*");
        private static final Pattern ITALIC = Pattern.compile("(?<![*\\w])[*_](?![*\\s])(.+?)(?<![\\s*])[*_](?![*\\w])");
        private static final Pattern CODE = Pattern.compile("`([^`]+)`");
        private static final UnaryOperator<String> ESCAPE = text -> text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("'", "&#39;");

        static String inline(String text) {
            List<String> codes = new ArrayList<>();
            Matcher code = CODE.matcher(text);
            StringBuilder protectedText = new StringBuilder();
            while (code.find()) {
                codes.add(code.group(1));
                code.appendReplacement(protectedText, Matcher.quoteReplacement("\u0000" + (codes.size() - 1) + "\u0000"));
            }
            code.appendTail(protectedText);
            String escaped = ESCAPE.apply(protectedText.toString());
            Matcher link = LINK.matcher(escaped);
            StringBuilder linked = new StringBuilder();
            while (link.find()) {
                String target = link.group(2);
                String lower = target.toLowerCase(Locale.ROOT);
                String replacement = lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("mailto:")
                        ? "<a href=\"" + target + "\" rel=\"noopener noreferrer\">" + link.group(1) + "</a>"
                        : link.group(1) + " (" + target + ")";
                link.appendReplacement(linked, Matcher.quoteReplacement(replacement));
            }
            link.appendTail(linked);
            String result = BOLD.matcher(linked.toString()).replaceAll("<strong>$1</strong>");
            result = ITALIC.matcher(result).replaceAll("<em>$1</em>");
            for (int i = 0; i < codes.size(); i++) {
                result = result.replace("\u0000" + i + "\u0000", "<code>" + ESCAPE.apply(codes.get(i)) + "</code>");
            }
            return result;
        }
    }
}
