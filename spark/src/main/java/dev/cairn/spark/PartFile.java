package dev.cairn.spark;

import java.io.Serializable;

/**
 * One Parquet part as the task that wrote it reports it to the driver: its partition, the attempt file it wrote
 * (relative to the staging directory), its size, its SHA-256 and its row count.
 */
record PartFile(int partition, String attemptPath, long size, String sha256, long rows) implements Serializable {
    private static final long serialVersionUID = 1L;
}
