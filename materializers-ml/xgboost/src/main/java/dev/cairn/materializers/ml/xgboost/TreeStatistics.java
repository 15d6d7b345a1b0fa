package dev.cairn.materializers.ml.xgboost;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the split arrays of every tree straight from a saved XGBoost model (UBJSON or JSON): the tree count and the
 * total gain per feature. xgboost4j's own importance methods dump the whole model as text first, which costs seconds
 * per megabyte; this scan costs one pass over the bytes already written. In UBJSON it reads the split arrays' values
 * where they lie and allocates nothing per tree (copying them out made a 100 MiB model allocate some 440 MB of arrays
 * per save, and the garbage collector's pauses then stalled the thread writing the model).
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
        if (format.equals("json")) {
            String text = new String(model, StandardCharsets.UTF_8);
            List<long[]> left = jsonArrays(text, LEFT).stream().map(TreeStatistics::toLongs).toList();
            List<double[]> gains = jsonArrays(text, GAIN);
            List<long[]> features = jsonArrays(text, FEATURE).stream().map(TreeStatistics::toLongs).toList();
            requireSameCount(left.size(), gains.size(), features.size());
            double[] total = new double[featureCount];
            for (int t = 0; t < left.size(); t++) {
                if (left.get(t).length != gains.get(t).length || left.get(t).length != features.get(t).length) {
                    throw new IllegalArgumentException("tree " + t + " has arrays of different lengths");
                }
                for (int node = 0; node < left.get(t).length; node++) {
                    add(total, left.get(t)[node], features.get(t)[node], gains.get(t)[node]);
                }
            }
            return new TreeStatistics(left.size(), total);
        }
        // UBJSON: the arrays are located in one pass and their values read in place, without copying them out
        ByteBuffer buffer = ByteBuffer.wrap(model).order(ByteOrder.BIG_ENDIAN);
        Map<String, List<UbjArray>> arrays = ubjArrays(model, buffer, Set.of(LEFT, GAIN, FEATURE));
        List<UbjArray> left = arrays.get(LEFT);
        List<UbjArray> gains = arrays.get(GAIN);
        List<UbjArray> features = arrays.get(FEATURE);
        requireSameCount(left.size(), gains.size(), features.size());
        double[] total = new double[featureCount];
        for (int t = 0; t < left.size(); t++) {
            UbjArray children = left.get(t);
            UbjArray gain = gains.get(t);
            UbjArray feature = features.get(t);
            if (children.count() != gain.count() || children.count() != feature.count()) {
                throw new IllegalArgumentException("tree " + t + " has arrays of different lengths");
            }
            for (int node = 0; node < children.count(); node++) {
                add(total, (long) children.value(model, buffer, node), (long) feature.value(model, buffer, node), gain.value(model, buffer, node));
            }
        }
        return new TreeStatistics(left.size(), total);
    }

    private static void requireSameCount(int left, int gains, int features) {
        if (left != gains || left != features) {
            throw new IllegalArgumentException("unexpected layout: " + left + " " + LEFT + ", " + gains + " " + GAIN + ", " + features + " " + FEATURE);
        }
    }

    /** Adds the gain of a split node (one with a left child) to its feature's total. */
    private static void add(double[] total, long leftChild, long feature, double gain) {
        if (leftChild != -1 && feature >= 0 && feature < total.length) {
            total[(int) feature] += gain;
        }
    }

    /** A strongly typed UBJSON array: its element type, the offset of its first value and its element count. */
    private record UbjArray(char type, int position, int count, int size) {
        double value(byte[] model, ByteBuffer buffer, int index) {
            int p = position + index * size;
            return switch (type) {
                case 'd' -> buffer.getFloat(p);
                case 'D' -> buffer.getDouble(p);
                case 'l' -> buffer.getInt(p);
                case 'L' -> buffer.getLong(p);
                case 'i' -> model[p];
                case 'U', 'C' -> model[p] & 0xFF;
                default -> buffer.getShort(p);
            };
        }
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

    /**
     * The strongly typed UBJSON arrays ({@code [$<type>#<count><values>}) under each of {@code keys}, in order, found in
     * one pass that jumps over every typed array's values (so the scan touches little more than the keys).
     */
    private static Map<String, List<UbjArray>> ubjArrays(byte[] model, ByteBuffer buffer, Set<String> keys) {
        Map<String, List<UbjArray>> arrays = new HashMap<>();
        Map<String, byte[]> keyBytes = new HashMap<>();
        for (String key : keys) {
            arrays.put(key, new ArrayList<>());
            keyBytes.put(key, key.getBytes(StandardCharsets.US_ASCII));
        }
        byte[] marker = {'[', '$'};
        int from = 0;
        for (int at = indexOf(model, marker, from); at >= 0; at = indexOf(model, marker, from)) {
            int position = at + 2;
            if (position + 3 > model.length) {
                break;
            }
            char type = (char) model[position++];
            if (model[position++] != '#') {
                from = at + 1;
                continue;
            }
            char countType = (char) model[position++];
            long count;
            int countSize;
            switch (countType) {
                case 'i' -> { count = model[position]; countSize = 1; }
                case 'U' -> { count = model[position] & 0xFF; countSize = 1; }
                case 'I' -> { count = buffer.getShort(position); countSize = 2; }
                case 'l' -> { count = buffer.getInt(position); countSize = 4; }
                case 'L' -> { count = buffer.getLong(position); countSize = 8; }
                default -> throw new IllegalArgumentException("an array count of type " + countType + " at offset " + position);
            }
            position += countSize;
            int size = switch (type) {
                case 'd', 'l' -> 4;
                case 'D', 'L' -> 8;
                case 'i', 'U', 'C' -> 1;
                case 'I' -> 2;
                default -> throw new IllegalArgumentException("an array of element type " + type + " at offset " + position);
            };
            if (count < 0 || count > (model.length - position) / size) {
                throw new IllegalArgumentException("an array claims " + count + " elements, more than the model holds");
            }
            String key = keyBefore(model, at, keyBytes);
            if (key != null) {
                arrays.get(key).add(new UbjArray(type, position, (int) count, size));
            }
            from = position + (int) count * size;
        }
        return arrays;
    }

    private static String keyBefore(byte[] model, int at, Map<String, byte[]> keys) {
        for (Map.Entry<String, byte[]> key : keys.entrySet()) {
            byte[] bytes = key.getValue();
            int start = at - bytes.length;
            if (start >= 0 && java.util.Arrays.equals(model, start, at, bytes, 0, bytes.length)) {
                return key.getKey();
            }
        }
        return null;
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
