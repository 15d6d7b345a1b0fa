package dev.cairn.materializers.arrow;

import java.io.IOException;
import java.util.List;

import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.bitpacking.BytePacker;
import org.apache.parquet.column.values.bitpacking.Packer;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Encodes one flat fixed-width column (those {@link PlainPageEncoder#handles} accepts) of a row group with a dictionary,
 * straight from its Arrow buffers, without parquet-java's per-value dictionary writer and statistics. {@link #forChunk}
 * first reads the whole column chunk once (the row group is in memory): an open-addressing hash on the values' raw bits
 * (so -0.0 and 0.0, and NaNs of different payloads, are different entries, as in parquet-java's dictionaries) gives each
 * value its dictionary id, in order of first appearance. When the dictionary would exceed parquet-java's dictionary page
 * size limit, or would not make the chunk smaller than plain values (dictionary plus ids at their bit width), the chunk is
 * encoded plain by a {@link PlainPageEncoder} instead — decided before any page is written, where parquet-java falls
 * back in the middle of a chunk. Else the column chunk is one PLAIN dictionary page and RLE_DICTIONARY v1 data pages of
 * {@link PlainPageEncoder#PAGE_ROWS} rows each (the same page cuts as the plain pages): definition levels as
 * {@link PlainPageEncoder} writes them, then the ids' bit width (one byte) and the ids as an RLE/bit-packed hybrid —
 * a run of 8 or more equal ids as an RLE run, the others bit-packed 8 at a time. Each page's min, max and null count
 * are those of its values, as parquet-java's statistics make them ({@link PageStatistics}). The pages go to
 * parquet-java's {@link PageWriter} of the column chunk like {@link PlainPageEncoder}'s. The bytes depend only on the
 * rows. Not thread-safe; one per column chunk.
 */
final class DictionaryPageEncoder implements PageEncoder {
    private final ColumnDescriptor descriptor;
    private final PageWriter pages;
    private final int width;
    private final PrimitiveTypeName type;
    private final boolean optional;
    /** The dictionary: the distinct values' raw bits (a 4-byte value's sign-extended), by id. */
    private final long[] dictionary;
    private final int dictionarySize;
    /** The dictionary id of each non-null value of the column chunk, in row order. */
    private final int[] ids;
    private final int bitWidth;
    private final BytePacker packer;
    /** The page's definition levels as bits (optional columns). */
    private final byte[] levels;
    /** The page's encoded ids: bit width, then the hybrid runs. */
    private final byte[] encoded;
    private final int[] padded = new int[8];
    private final PageStatistics statistics;
    private boolean dictionaryWritten;
    /** Where the page's first id is in {@link #ids}. */
    private int pageFirstId;
    private int rows;
    private int values;

    private DictionaryPageEncoder(ColumnDescriptor descriptor, PageWriter pages, int width, long[] dictionary, int dictionarySize, int[] ids) {
        this.descriptor = descriptor;
        this.pages = pages;
        this.width = width;
        this.type = descriptor.getPrimitiveType().getPrimitiveTypeName();
        this.optional = descriptor.getMaxDefinitionLevel() == 1;
        this.dictionary = dictionary;
        this.dictionarySize = dictionarySize;
        this.ids = ids;
        this.bitWidth = bitWidth(dictionarySize);
        this.packer = Packer.LITTLE_ENDIAN.newBytePacker(bitWidth);
        this.levels = new byte[optional ? PlainPageEncoder.PAGE_ROWS / 8 : 0];
        this.encoded = new byte[maxEncodedBytes(PlainPageEncoder.PAGE_ROWS, bitWidth)];
        this.statistics = new PageStatistics(descriptor.getPrimitiveType());
    }

    /**
     * The encoder of column {@code column} of the chunk {@code pieces} (a column {@link PlainPageEncoder#handles}
     * accepts) into {@code pages}: a dictionary one when the chunk's distinct values fit {@code maxDictionaryBytes}
     * (parquet-java's dictionary page size limit) and a dictionary makes the chunk smaller, else a {@link PlainPageEncoder}.
     */
    static PageEncoder forChunk(ColumnDescriptor descriptor, PageWriter pages, List<FlatChunkEncoder.Piece> pieces, int column, int maxDictionaryBytes) {
        PrimitiveTypeName type = descriptor.getPrimitiveType().getPrimitiveTypeName();
        int width = type == PrimitiveTypeName.INT32 || type == PrimitiveTypeName.FLOAT ? 4 : 8;
        int rows = 0;
        for (FlatChunkEncoder.Piece piece : pieces) {
            rows += piece.end() - piece.start();
        }
        int maxEntries = maxDictionaryBytes / width;
        int[] ids = new int[rows];
        long[] dictionary = new long[Math.min(maxEntries, 1024)];
        int capacity = 2048;
        // slot s: the value's bits at 2s, its id + 1 at 2s + 1 (0: free) — one cache line a probe
        long[] table = new long[2 * capacity];
        int mask = capacity - 1;
        int size = 0;
        int n = 0;
        for (FlatChunkEncoder.Piece piece : pieces) {
            FieldVector vector = piece.batch().getFieldVectors().get(column);
            long address = vector.getDataBuffer().memoryAddress();
            long validity = vector.getNullCount() > 0 ? vector.getValidityBuffer().memoryAddress() : 0;
            for (int r = piece.start(); r < piece.end(); r++) {
                if (validity != 0 && (MemoryUtil.getByte(validity + (r >>> 3)) >> (r & 7) & 1) == 0) {
                    continue;
                }
                long bits = width == 4 ? MemoryUtil.getInt(address + 4L * r) : MemoryUtil.getLong(address + 8L * r);
                int slot = hash(bits) & mask;
                int id;
                while (true) {
                    int entry = (int) table[2 * slot + 1];
                    if (entry == 0) {
                        if (size == maxEntries) {
                            // one more distinct value than the dictionary page holds: the chunk goes plain
                            return new PlainPageEncoder(descriptor, pages);
                        }
                        id = size++;
                        if (id == dictionary.length) {
                            dictionary = java.util.Arrays.copyOf(dictionary, Math.min(maxEntries, 2 * dictionary.length));
                        }
                        dictionary[id] = bits;
                        if (2 * size > capacity) {
                            capacity *= 2;
                            table = new long[2 * capacity];
                            mask = capacity - 1;
                            for (int e = 0; e < size; e++) {
                                int s = hash(dictionary[e]) & mask;
                                while (table[2 * s + 1] != 0) {
                                    s = (s + 1) & mask;
                                }
                                table[2 * s] = dictionary[e];
                                table[2 * s + 1] = e + 1;
                            }
                        } else {
                            table[2 * slot] = bits;
                            table[2 * slot + 1] = id + 1;
                        }
                        break;
                    }
                    if (table[2 * slot] == bits) {
                        id = entry - 1;
                        break;
                    }
                    slot = (slot + 1) & mask;
                }
                ids[n++] = id;
            }
        }
        // as parquet-java keeps a dictionary only if it makes the values smaller: dictionary plus ids under the plain values
        long pageCount = (rows + PlainPageEncoder.PAGE_ROWS - 1) / PlainPageEncoder.PAGE_ROWS;
        long dictionaryBytes = (long) size * width + ((long) n * bitWidth(size) + 7) / 8 + 6 * pageCount;
        if (size == 0 || dictionaryBytes >= (long) n * width) {
            return new PlainPageEncoder(descriptor, pages);
        }
        return new DictionaryPageEncoder(descriptor, pages, width, dictionary, size, ids);
    }

    private static int hash(long bits) {
        long h = bits * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** The bit width of ids below {@code size} (0 for a dictionary of one value), as parquet-java chooses it. */
    static int bitWidth(int size) {
        return 32 - Integer.numberOfLeadingZeros(Math.max(0, size - 1));
    }

    /** The most bytes {@code count} ids of {@code bitWidth} bits take encoded (bit width byte and hybrid runs). */
    private static int maxEncodedBytes(int count, int bitWidth) {
        // at worst every group of 8 is its own run: a header (at most 5 bytes) and 8 ids bit-packed or one RLE value
        return 1 + (count / 8 + 1) * (5 + Math.max(bitWidth, 4));
    }

    @Override
    public void write(FieldVector vector, int from, int to) throws IOException {
        boolean mayBeNull = optional && vector.getNullCount() > 0;
        long validity = mayBeNull ? vector.getValidityBuffer().memoryAddress() : 0;
        int row = from;
        while (row < to) {
            int n = Math.min(to - row, PlainPageEncoder.PAGE_ROWS - rows);
            int next = pageFirstId + values;
            if (mayBeNull) {
                for (int i = 0; i < n; i++) {
                    int r = row + i;
                    if ((MemoryUtil.getByte(validity + (r >>> 3)) >> (r & 7) & 1) == 0) {
                        statistics.addNull();
                        continue;
                    }
                    levels[(rows + i) >>> 3] |= (byte) (1 << ((rows + i) & 7));
                    statistics.addBits(dictionary[ids[next++]]);
                }
            } else {
                if (optional) {
                    for (int i = 0; i < n; i++) {
                        levels[(rows + i) >>> 3] |= (byte) (1 << ((rows + i) & 7));
                    }
                }
                addValues(next, n);
                next += n;
            }
            values = next - pageFirstId;
            rows += n;
            row += n;
            if (rows == PlainPageEncoder.PAGE_ROWS) {
                flush();
            }
        }
    }

    /** Adds the {@code count} values of ids from {@code first} to the page's statistics. */
    private void addValues(int first, int count) {
        int end = first + count;
        switch (type) {
            case INT32, INT64 -> {
                for (int k = first; k < end; k++) {
                    statistics.addLong(dictionary[ids[k]]);
                }
            }
            case FLOAT -> {
                for (int k = first; k < end; k++) {
                    statistics.addDouble(Float.intBitsToFloat((int) dictionary[ids[k]]));
                }
            }
            default -> {
                for (int k = first; k < end; k++) {
                    statistics.addDouble(Double.longBitsToDouble(dictionary[ids[k]]));
                }
            }
        }
    }

    @Override
    public void finish() throws IOException {
        if (rows > 0) {
            flush();
        }
    }

    private void flush() throws IOException {
        if (!dictionaryWritten) {
            byte[] plain = new byte[dictionarySize * width];
            writePlain(plain);
            pages.writeDictionaryPage(new DictionaryPage(BytesInput.from(plain), dictionarySize, Encoding.PLAIN));
            dictionaryWritten = true;
        }
        Statistics<?> pageStatistics = statistics.build(values, i -> dictionary[ids[pageFirstId + i]]);
        int length = encodeIds(ids, pageFirstId, values);
        pages.writePage(PlainPageEncoder.withLevels(optional, rows, statistics.nulls(), levels, BytesInput.from(encoded, 0, length)), rows, rows,
                pageStatistics, SizeStatistics.newBuilder(descriptor.getPrimitiveType(), descriptor.getMaxRepetitionLevel(),
                        descriptor.getMaxDefinitionLevel()).build(), null,
                Encoding.BIT_PACKED, optional ? Encoding.RLE : Encoding.BIT_PACKED, Encoding.RLE_DICTIONARY);
        pageFirstId += values;
        java.util.Arrays.fill(levels, (byte) 0);
        rows = 0;
        values = 0;
        statistics.reset();
    }

    /** The dictionary's values, PLAIN (little-endian), into {@code plain}. */
    private void writePlain(byte[] plain) {
        for (int i = 0; i < dictionarySize; i++) {
            long bits = dictionary[i];
            for (int b = 0; b < width; b++) {
                plain[i * width + b] = (byte) (bits >>> (8 * b));
            }
        }
    }

    /**
     * Encodes {@code count} ids from {@code ids[first]} into {@link #encoded}: the bit width byte, then RLE runs for runs
     * of at least 8 equal ids (or a run to the page's end) and bit-packed runs of groups of 8 for the rest (the last
     * group padded with zeros). Returns the encoded length.
     */
    int encodeIds(int[] ids, int first, int count) {
        byte[] out = encoded;
        out[0] = (byte) bitWidth;
        int at = 1;
        int end = first + count;
        int pendingFrom = -1; // first id of the bit-packed groups not yet written
        int i = first;
        while (i < end) {
            int v = ids[i];
            int j = i + 1;
            while (j < end && ids[j] == v) {
                j++;
            }
            if (j - i >= 8 || j == end) {
                if (pendingFrom >= 0) {
                    at = bitPacked(out, at, ids, pendingFrom, i, end);
                    pendingFrom = -1;
                }
                at = PlainPageEncoder.putVarInt(out, at, (j - i) << 1);
                for (int b = 0; b < (bitWidth + 7) / 8; b++) {
                    out[at++] = (byte) (v >>> (8 * b));
                }
                i = j;
            } else {
                if (pendingFrom < 0) {
                    pendingFrom = i;
                }
                i = Math.min(end, i + 8);
            }
        }
        if (pendingFrom >= 0) {
            at = bitPacked(out, at, ids, pendingFrom, i, end);
        }
        return at;
    }

    /** Writes ids {@code from} to {@code to} (rounded up to groups of 8, zeros past {@code end}) as one bit-packed run. */
    private int bitPacked(byte[] out, int at, int[] ids, int from, int to, int end) {
        int groups = (to - from + 7) / 8;
        at = PlainPageEncoder.putVarInt(out, at, groups << 1 | 1);
        for (int g = 0; g < groups; g++) {
            int start = from + 8 * g;
            if (start + 8 <= end) {
                packer.pack8Values(ids, start, out, at);
            } else {
                java.util.Arrays.fill(padded, 0);
                System.arraycopy(ids, start, padded, 0, end - start);
                packer.pack8Values(padded, 0, out, at);
            }
            at += bitWidth;
        }
        return at;
    }
}
