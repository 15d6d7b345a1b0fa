package dev.cairn.spark;

import java.io.IOException;
import java.util.Optional;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Spark schema a Parquet part was written with, read on the driver from the part's footer, where Spark's Parquet
 * writer keeps it (key {@value #SPARK_SCHEMA_KEY}, the schema's JSON). Given to {@code spark.read.schema(...)}, it saves
 * the Spark job that {@code spark.read.parquet} otherwise runs to infer the schema from one footer (Spark reads a
 * single footer too unless {@code mergeSchema} is set): the fixed cost of a Dataset load.
 */
final class PartSchema {
    /** {@code ParquetReadSupport.SPARK_METADATA_KEY}. */
    static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";
    private static final Logger LOG = LoggerFactory.getLogger(PartSchema.class);

    private PartSchema() {}

    /**
     * The Spark schema in the footer of {@code part}, or empty when it has none (a file not written by Spark, such as an
     * Arrow artifact's) or cannot be read: Spark then infers the schema itself, as before, and reports any damage.
     */
    static Optional<StructType> of(Configuration configuration, String part) {
        Path path = new Path(part);
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, configuration))) {
            String json = reader.getFooter().getFileMetaData().getKeyValueMetaData().get(SPARK_SCHEMA_KEY);
            if (json == null) {
                return Optional.empty();
            }
            return DataType.fromJson(json) instanceof StructType schema ? Optional.of(schema) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.debug("No Spark schema read from the footer of {}; Spark infers it", part, e);
            return Optional.empty();
        }
    }
}
