package dev.cairn.materializers.ml.xgboost;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the split arrays of every tree straight from a saved XGBoost model (UBJSON or JSON): the tree count and the
 * total gain per feature. xgboost4j's own importance methods dump the whole model as text first, which costs seconds
 * per megabyte; this scan costs one pass over the bytes already written.
 *
 * @param treeCount the number of trees
 * @param totalGain the sum of {@code loss_changes} over the split nodes of each feature
 */
record TreeStatistics(int treeCount, double[] totalGain) {
    private static final String LEFT = "left_children";
    private static final String GAIN = "loss_changes";
    private static final String FEATURE = "split_indices";

    /** Scans {@code model} in {@code format} ({@code ubj} or {@code json}); {@link IllegalArgumentException} when it is not laid out as expected. */
    static TreeStatistics of(byte[] model, String format, int featureCount) {
        List<long[]> left;
        List<double[]> gains;
        List<long[]> features;
        if (format.equals("json")) {
            String text = new String(model, StandardCharsets.UTF_8);
            left = jsonArrays(text, LEFT).stream().map(TreeStatistics::toLongs).toList();
            gains = jsonArrays(text, GAIN);
            features = jsonArrays(text, FEATURE).stream().map(TreeStatistics::toLongs).toList();
        } else {
            left = ubjArrays(model, LEFT).stream().map(TreeStatistics::toLongs).toList();
            gains = ubjArrays(model, GAIN);
            features = ubjArrays(model, FEATURE).stream().map(TreeStatistics::toLongs).toList();
        }
        if (left.size() != gains.size() || left.size() != features.size()) {
            throw new IllegalArgumentException("unexpected layout: " + left.size() + " " + LEFT + ", " + gains.size() + " " + GAIN + ", "
                    + features.size() + " " + FEATURE);
        }
        double[] total = new double[featureCount];
        for (int t = 0; t < left.size(); t++) {
            long[] children = left.get(t);
            double[] gain = gains.get(t);
            long[] feature = features.get(t);
            if (children.length != gain.length || children.length != feature.length) {
                throw new IllegalArgumentException("tree " + t + " has arrays of different lengths");
            }
            for (int node = 0; node < children.length; node++) {
                if (children[node] != -1 && feature[node] >= 0 && feature[node] < featureCount) {
                    total[(int) feature[node]] += gain[node];
                }
            }
        }
        return new TreeStatistics(left.size(), total);
    }

    private static long[] toLongs(double[] values) {
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            longs[i] = (long) values[i];
        }
        return longs;
    }

    /** Every {@code "key":[numbers]} array of the JSON text, in order. */
    private static List<double[]> jsonArrays(String text, String key) {
        List<double[]> arrays = new ArrayList<>();
        String marker = "\"" + key + "\":[";
        int at = text.indexOf(marker);
        while (at >= 0) {
            int start = at + marker.length();
            int end = text.indexOf(']', start);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated " + key);
            }
            String body = text.substring(start, end).trim();
            if (body.isEmpty()) {
                arrays.add(new double[0]);
            } else {
                String[] parts = body.split(",");
                double[] values = new double[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    values[i] = Double.parseDouble(parts[i].trim());
                }
                arrays.add(values);
            }
            at = text.indexOf(marker, end);
        }
        return arrays;
    }

    /** Every strongly typed UBJSON array under {@code key} ({@code [$<type>#<count><values>}), in order. */
    private static List<double[]> ubjArrays(byte[] model, String key) {
        byte[] pattern = (key + "[$").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.wrap(model).order(ByteOrder.BIG_ENDIAN);
        List<double[]> arrays = new ArrayList<>();
        for (int at = indexOf(model, pattern, 0); at >= 0; at = indexOf(model, pattern, at + pattern.length)) {
            int position = at + pattern.length;
            char type = (char) model[position++];
            if (model[position++] != '#') {
                throw new IllegalArgumentException(key + " is not a counted array");
            }
            char countType = (char) model[position++];
            long count;
            switch (countType) {
                case 'i' -> count = model[position];
                case 'U' -> count = model[position] & 0xFF;
                case 'I' -> count = buffer.getShort(position);
                case 'l' -> count = buffer.getInt(position);
                case 'L' -> count = buffer.getLong(position);
                default -> throw new IllegalArgumentException(key + " has count type " + countType);
            }
            position += switch (countType) {
                case 'i', 'U' -> 1;
                case 'I' -> 2;
                case 'l' -> 4;
                default -> 8;
            };
            int size = switch (type) {
                case 'd', 'l' -> 4;
                case 'D', 'L' -> 8;
                case 'i', 'U' -> 1;
                case 'I' -> 2;
                default -> throw new IllegalArgumentException(key + " has element type " + type);
            };
            if (count < 0 || count > (model.length - position) / size) {
                throw new IllegalArgumentException(key + " claims " + count + " elements, more than the model holds");
            }
            double[] values = new double[(int) count];
            for (int i = 0; i < values.length; i++, position += size) {
                values[i] = switch (type) {
                    case 'd' -> buffer.getFloat(position);
                    case 'D' -> buffer.getDouble(position);
                    case 'l' -> buffer.getInt(position);
                    case 'L' -> buffer.getLong(position);
                    case 'i' -> model[position];
                    case 'U' -> model[position] & 0xFF;
                    default -> buffer.getShort(position);
                };
            }
            arrays.add(values);
        }
        return arrays;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        byte first = needle[0];
        int last = haystack.length - needle.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (haystack[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
