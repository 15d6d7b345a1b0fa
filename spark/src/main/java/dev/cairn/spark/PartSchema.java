package dev.cairn.spark;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.Util;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Spark schema a Parquet part was written with, read on the driver from the part's footer, where Spark's Parquet
 * writer keeps it (key {@value #SPARK_SCHEMA_KEY}, the schema's JSON). Given to {@code spark.read.schema(...)}, it saves
 * the Spark job that {@code spark.read.parquet} otherwise runs to infer the schema from one footer (Spark reads a
 * single footer too unless {@code mergeSchema} is set): the fixed cost of a Dataset load. The footer is read raw (its
 * length, then its bytes, Thrift-decoded without the row groups): parquet-hadoop's {@code ParquetFileReader} costs
 * several times as much for this one key.
 */
final class PartSchema {
    /** {@code ParquetReadSupport.SPARK_METADATA_KEY}. */
    static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";
    private static final Logger LOG = LoggerFactory.getLogger(PartSchema.class);
    private static final int MAX_FOOTER_BYTES = 64 << 20;

    private PartSchema() {}

    /**
     * The Spark schema in the footer of {@code part}, or empty when it has none (a file not written by Spark, such as an
     * Arrow artifact's) or cannot be read: Spark then infers the schema itself, as before, and reports any damage.
     */
    static Optional<StructType> of(Configuration configuration, String part) {
        Path path = new Path(part);
        try {
            FileSystem fileSystem = path.getFileSystem(configuration);
            long length = fileSystem.getFileStatus(path).getLen();
            if (length < 12) {
                return Optional.empty();
            }
            try (FSDataInputStream in = fileSystem.open(path)) {
                byte[] tail = new byte[8];
                in.readFully(length - 8, tail);
                int footerLength = (tail[0] & 0xff) | (tail[1] & 0xff) << 8 | (tail[2] & 0xff) << 16 | (tail[3] & 0xff) << 24;
                if (tail[4] != 'P' || tail[5] != 'A' || tail[6] != 'R' || tail[7] != '1' || footerLength <= 0 || footerLength > length - 12
                        || footerLength > MAX_FOOTER_BYTES) {
                    return Optional.empty();
                }
                byte[] footer = new byte[footerLength];
                in.readFully(length - 8 - footerLength, footer);
                FileMetaData metadata = Util.readFileMetaData(new ByteArrayInputStream(footer), true);
                if (metadata.getKey_value_metadata() == null) {
                    return Optional.empty();
                }
                for (KeyValue entry : metadata.getKey_value_metadata()) {
                    if (SPARK_SCHEMA_KEY.equals(entry.getKey()) && entry.getValue() != null) {
                        return DataType.fromJson(entry.getValue()) instanceof StructType schema ? Optional.of(schema) : Optional.empty();
                    }
                }
                return Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("No Spark schema read from the footer of {}; Spark infers it", part, e);
            return Optional.empty();
        }
    }
}
