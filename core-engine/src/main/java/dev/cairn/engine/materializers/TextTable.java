package dev.cairn.engine.materializers;

import java.util.List;

/**
 * A table of text cells rendered as a Markdown table or as CSV (RFC 4180), for visualizations. Immutable.
 *
 * @param header the column names
 * @param rows the rows held (possibly fewer than {@code totalRows})
 * @param totalRows how many rows the whole value has, for the "showing n of m" note
 */
record TextTable(List<String> header, List<List<String>> rows, long totalRows) {
    TextTable {
        header = List.copyOf(header);
        rows = List.copyOf(rows);
    }

    /** A Markdown table of the first {@code maxRows} rows, with a note when rows are left out. */
    String toMarkdown(int maxRows) {
        StringBuilder out = new StringBuilder();
        appendMarkdownRow(out, header);
        out.append('|');
        out.append(" --- |".repeat(Math.max(1, header.size())));
        out.append('\n');
        int shown = Math.min(maxRows, rows.size());
        for (int i = 0; i < shown; i++) {
            appendMarkdownRow(out, rows.get(i));
        }
        if (shown < totalRows) {
            out.append('\n').append("_Showing the first ").append(shown).append(" of ").append(totalRows).append(" rows._\n");
        }
        return out.toString();
    }

    /** CSV with a header line and the first {@code maxRows} rows. */
    String toCsv(int maxRows) {
        StringBuilder out = new StringBuilder();
        appendCsvRow(out, header);
        int shown = Math.min(maxRows, rows.size());
        for (int i = 0; i < shown; i++) {
            appendCsvRow(out, rows.get(i));
        }
        return out.toString();
    }

    private static void appendMarkdownRow(StringBuilder out, List<String> cells) {
        out.append('|');
        for (String cell : cells) {
            out.append(' ').append(markdownCell(cell)).append(" |");
        }
        if (cells.isEmpty()) {
            out.append("  |");
        }
        out.append('\n');
    }

    private static String markdownCell(String cell) {
        return cell.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>");
    }

    private static void appendCsvRow(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(csvField(cells.get(i)));
        }
        out.append("\r\n");
    }

    static String csvField(String cell) {
        boolean quote = cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0
                || !cell.isEmpty() && (Character.isWhitespace(cell.charAt(0)) || Character.isWhitespace(cell.charAt(cell.length() - 1)));
        return quote ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
    }
}
