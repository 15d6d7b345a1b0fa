package dev.cairn.spark;

import static java.util.Objects.requireNonNull;

import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apiguardian.api.API;

import dev.cairn.api.artifact.ArtifactFile;
import dev.cairn.api.artifact.ArtifactVersion;

/**
 * Reads any Parquet artifact version — a Spark Dataset artifact, or an Arrow table or list of records that
 * {@code materializers-arrow} stored as Parquet — as a lazy {@code Dataset<Row>}, whichever materializer wrote it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class SparkArtifacts {
    private SparkArtifacts() {}

    /**
     * {@code spark.read.parquet} of the Parquet files the version's manifest lists, under its directory.
     *
     * @throws dev.cairn.api.CairnException {@code INTEGRITY_VIOLATION} when it has no Parquet file
     */
    public static Dataset<Row> read(SparkSession session, ArtifactVersion version) {
        requireNonNull(session, "session is null");
        requireNonNull(version, "version is null");
        List<String> paths = version.files().stream().map(ArtifactFile::path).filter(path -> path.endsWith(".parquet")).toList();
        return DatasetMaterializer.read(session, version.uri(), paths, version.name() + ":" + version.version());
    }
}
