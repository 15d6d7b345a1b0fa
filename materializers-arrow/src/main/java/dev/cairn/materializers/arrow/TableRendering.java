package dev.cairn.materializers.arrow;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.artifact.VisualizationType;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The visualizations of a table: {@code describe} (one row per column: type, count, nulls, mean, standard
 * deviation, minimum, maximum) and {@code sample} (the first {@link #SAMPLE_ROWS} rows), each as CSV (RFC 4180)
 * and as a standalone HTML page.
 */
final class TableRendering {
    static final int SAMPLE_ROWS = 20;
    private static final int MAX_CELL_CHARS = 200;
    private static final List<String> DESCRIBE_HEADER = List.of("column", "type", "count", "null_count", "mean", "stddev", "min", "max");

    private TableRendering() {}

    static List<Visualization> render(ColumnStatistics statistics, VectorSchemaRoot sample, String title) {
        List<List<String>> describe = new ArrayList<>();
        for (ColumnStatistics.Column column : statistics.columns()) {
            Map<String, Object> values = column.toMetadata();
            describe.add(List.of(column.field().getName(), ColumnTypes.describe(column.field()),
                    Long.toString(statistics.rows() - column.nullCount()), Long.toString(column.nullCount()),
                    text(values.get("mean")), text(values.get("stddev")), text(values.get("min")), text(values.get("max"))));
        }
        List<String> header = sample.getSchema().getFields().stream().map(field -> field.getName()).toList();
        List<List<String>> rows = new ArrayList<>();
        int shown = Math.min(SAMPLE_ROWS, sample.getRowCount());
        for (int row = 0; row < shown; row++) {
            List<String> cells = new ArrayList<>(header.size());
            for (FieldVector vector : sample.getFieldVectors()) {
                cells.add(cell(vector, row));
            }
            rows.add(cells);
        }
        String note = "Showing the first " + shown + " of " + statistics.rows() + " rows.";
        return List.of(
                Visualization.text("describe", VisualizationType.CSV, csv(DESCRIBE_HEADER, describe)),
                Visualization.text("describe", VisualizationType.HTML, html(title + ": describe", DESCRIBE_HEADER, describe,
                        statistics.rows() + " rows, " + statistics.columns().size() + " columns.")),
                Visualization.text("sample", VisualizationType.CSV, csv(header, rows)),
                Visualization.text("sample", VisualizationType.HTML, html(title + ": first rows", header, rows, note)));
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    /** The value at {@code row} as text: empty for null, ISO-8601 for dates and timestamps, hex for binary. */
    static String cell(FieldVector vector, int row) {
        if (vector.isNull(row)) {
            return "";
        }
        String text;
        if (vector instanceof VarCharVector strings) {
            text = new String(strings.get(row), StandardCharsets.UTF_8);
        } else if (vector instanceof VarBinaryVector bytes) {
            text = "0x" + HexFormat.of().formatHex(bytes.get(row));
        } else if (vector instanceof DecimalVector decimals) {
            text = decimals.getObject(row).toPlainString();
        } else if (vector instanceof DateDayVector days) {
            text = LocalDate.ofEpochDay(days.get(row)).toString();
        } else if (vector instanceof TimeStampVector timestamps) {
            text = ColumnStatistics.timestampText(timestamps.get(row), (ArrowType.Timestamp) vector.getField().getType());
        } else if (vector instanceof StructVector struct) {
            StringBuilder out = new StringBuilder("{");
            for (FieldVector child : struct.getChildrenFromFields()) {
                if (out.length() > 1) {
                    out.append(", ");
                }
                out.append(child.getName()).append(": ").append(child.isNull(row) ? "null" : cell(child, row));
            }
            text = out.append('}').toString();
        } else if (vector instanceof ListVector list) {
            StringBuilder out = new StringBuilder("[");
            FieldVector data = list.getDataVector();
            for (int j = list.getElementStartIndex(row); j < list.getElementEndIndex(row); j++) {
                if (out.length() > 1) {
                    out.append(", ");
                }
                out.append(data.isNull(j) ? "null" : cell(data, j));
                if (out.length() > MAX_CELL_CHARS) {
                    break;
                }
            }
            text = out.append(']').toString();
        } else {
            text = String.valueOf(vector.getObject(row));
        }
        return text.length() > MAX_CELL_CHARS ? text.substring(0, MAX_CELL_CHARS) + "…" : text;
    }

    static String csv(List<String> header, List<List<String>> rows) {
        StringBuilder out = new StringBuilder();
        csvRow(out, header);
        for (List<String> row : rows) {
            csvRow(out, row);
        }
        return out.toString();
    }

    private static void csvRow(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String cell = cells.get(i);
            boolean quote = cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0
                    || !cell.isEmpty() && (Character.isWhitespace(cell.charAt(0)) || Character.isWhitespace(cell.charAt(cell.length() - 1)));
            out.append(quote ? '"' + cell.replace("\"", "\"\"") + '"' : cell);
        }
        out.append("\r\n");
    }

    static String html(String title, List<String> header, List<List<String>> rows, String note) {
        StringBuilder out = new StringBuilder();
        out.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(escape(title)).append("</title>\n")
                .append("<style>body{font-family:sans-serif}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:2px 6px;"
                        + "text-align:left}th{background:#eee}</style></head>\n<body>\n<h3>").append(escape(title)).append("</h3>\n<table>\n<thead><tr>");
        for (String cell : header) {
            out.append("<th>").append(escape(cell)).append("</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            out.append("<tr>");
            for (String cell : row) {
                out.append("<td>").append(escape(cell)).append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n<p>").append(escape(note)).append("</p>\n</body></html>\n");
        return out.toString();
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
