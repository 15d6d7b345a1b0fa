package dev.cairn.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code cairn doctor}: checks the metadata against the artifact store. Every recorded version is verified (its manifest
 * against the recorded content hash, each data file's size and SHA-256 against the manifest): a version whose directory
 * or a file is gone is <em>missing</em>, one whose bytes differ is <em>corrupted</em>. Every version directory under the
 * local store's {@code artifacts/} that no version refers to is an <em>orphan</em> (a commit racing the check can show
 * as one; run it again). Reads only; exit 0 when all is well, 1 when it found a problem. With {@code --rebuild}, a
 * missing {@code metadata.db} is rebuilt from the store's manifests.
 */
@Command(name = "doctor", description = "Check metadata against manifests and files: missing files, hash mismatches, orphaned directories.")
final class DoctorCommand implements Callable<Integer> {
    @Mixin(name = "home")
    HomeOption home;

    @Mixin
    OutputOptions output;

    @picocli.CommandLine.Option(names = "--rebuild", description = "Rebuild a missing metadata.db of the home from the manifests in its store"
            + " (move a damaged one aside first; an existing one is never overwritten)")
    boolean rebuild;

    /** One finding about one version or directory. */
    record Finding(String kind, String artifact, String location, String detail) {}

    @Override
    public Integer call() {
        if (rebuild) {
            return rebuild();
        }
        List<Finding> findings = new ArrayList<>();
        int versions;
        int directories = 0;
        try (Cairn cairn = home.open()) {
            List<ArtifactVersion> all = cairn.client().listArtifactVersions();
            versions = all.size();
            Set<Path> referenced = new HashSet<>();
            for (ArtifactVersion version : all) {
                URI uri = version.uri();
                if ("file".equalsIgnoreCase(uri.getScheme())) {
                    referenced.add(Path.of(uri).normalize());
                }
            }
            // versions are checked on every core (reading and hashing dominate); findings keep the metadata's order
            List<Optional<Finding>> checked = java.util.stream.IntStream.range(0, all.size()).parallel()
                    .mapToObj(i -> check(all.get(i))).toList();
            checked.forEach(finding -> finding.ifPresent(findings::add));
            URI root = cairn.storeRoot();
            if ("file".equalsIgnoreCase(root.getScheme())) {
                Path artifacts = Path.of(root).resolve("artifacts");
                directories = orphans(artifacts, referenced, findings);
            }
        }
        int problems = findings.size();
        int checkedDirectories = directories;
        output.print(() -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("versions", versions);
            json.put("directories", checkedDirectories);
            json.put("healthy", problems == 0);
            json.put("findings", findings.stream().map(f -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("kind", f.kind());
                if (f.artifact() != null) {
                    entry.put("artifact", f.artifact());
                }
                entry.put("location", f.location());
                entry.put("detail", f.detail());
                return entry;
            }).toList());
            return json;
        }, out -> {
            for (Finding f : findings) {
                out.println(f.kind() + "  " + (f.artifact() != null ? f.artifact() + "  " : "") + f.location() + "  " + f.detail());
            }
            out.printf("%d versions and %d store directories checked: %s%n", versions, checkedDirectories,
                    problems == 0 ? "no problems" : problems + (problems == 1 ? " problem" : " problems"));
        });
        return problems == 0 ? 0 : 1;
    }

    /**
     * Rebuilds the embedded metadata of the home from the manifests under {@code <store>/artifacts/}: each manifest's version
     * (same id, name, version, types, content hash, size, metadata, creation time and visualizations) is recorded and
     * committed. Where a manifest names its producer (written by a step since manifests carry one), the producing step run
     * is recorded too, in its run and pipeline, with the output name and the inputs it recorded when it ran, so lineage
     * comes back; such a run is recorded {@code FAILED} with an error saying that its real status, its parameters and its
     * steps that left no output are unknown (manifests are written before a run ends). Tags, aliases, logged metadata,
     * cache keys and registered data (outside {@code artifacts/}) are not in manifests and are not restored.
     */
    private int rebuild() {
        if (home.metadataGiven().isPresent() || home.storeGiven().isPresent()) {
            throw new CairnException(ErrorCode.CONFIGURATION, "doctor --rebuild rebuilds a home's embedded metadata.db from its own"
                    + " store; leave out --metadata and --store");
        }
        Path homeDirectory = home.home();
        Path database = homeDirectory.resolve("metadata.db");
        if (Files.exists(database, LinkOption.NOFOLLOW_LINKS)) {
            throw new CairnException(ErrorCode.CONFIGURATION, "Metadata store " + database + " exists; doctor --rebuild never"
                    + " overwrites metadata: move it aside (with its -wal and -shm files) and run doctor --rebuild again");
        }
        URI storeRoot;
        try (Cairn cairn = home.open()) { // creates the new, empty metadata.db
            storeRoot = cairn.storeRoot();
        }
        if (!"file".equalsIgnoreCase(storeRoot.getScheme())) {
            throw new CairnException(ErrorCode.CONFIGURATION, "doctor --rebuild reads manifests from a local store; " + storeRoot + " is not one");
        }
        Path artifacts = Path.of(storeRoot).resolve("artifacts");
        List<String> skipped = new ArrayList<>();
        List<ManifestRebuild.Found> found = ManifestRebuild.read(artifacts, skipped);
        ManifestRebuild.Result result;
        try (dev.cairn.engine.metadata.sqlite.SqliteMetadataStore metadata = dev.cairn.engine.metadata.sqlite.SqliteMetadataStore.open(database)) {
            result = new ManifestRebuild(metadata, storeRoot, skipped).record(found);
        }
        output.print(() -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("rebuilt", result.versions());
            json.put("runs", result.runs());
            json.put("stepRuns", result.stepRuns());
            json.put("skipped", skipped);
            return json;
        }, out -> {
            for (String skip : skipped) {
                out.println("skipped  " + skip);
            }
            out.printf("rebuilt %d versions from the manifests in %s, with %d producing step runs in %d runs (recorded FAILED: their"
                    + " real status is not in manifests; tags, aliases and logged metadata are not either); run 'cairn doctor' to check"
                    + " them%n", result.versions(), artifacts, result.stepRuns(), result.runs());
        });
        return skipped.isEmpty() ? 0 : 1;
    }

    /** The problem with one version, if any: its directory or a file is gone (missing), or its bytes differ (corrupted). */
    private static Optional<Finding> check(ArtifactVersion version) {
        String artifact = version.name() + ":" + version.version();
        URI uri = version.uri();
        if ("file".equalsIgnoreCase(uri.getScheme()) && !Files.exists(Path.of(uri), LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(new Finding("missing", artifact, uri.toString(), "its directory is gone"));
        }
        try {
            version.verify();
            return Optional.empty();
        } catch (CairnException e) {
            if (e.errorCode() != ErrorCode.INTEGRITY_VIOLATION) {
                throw e;
            }
            String message = String.valueOf(e.getMessage());
            boolean gone = message.contains("NoSuchFileException") || message.contains("has no readable manifest");
            return Optional.of(new Finding(gone ? "missing" : "corrupted", artifact, uri.toString(), message));
        }
    }

    /** Adds every {@code artifacts/<name>/<version>} directory no version refers to; returns how many directories it saw. */
    private static int orphans(Path artifacts, Set<Path> referenced, List<Finding> findings) {
        if (!Files.isDirectory(artifacts, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        int seen = 0;
        try (DirectoryStream<Path> names = Files.newDirectoryStream(artifacts)) {
            for (Path name : names) {
                if (!Files.isDirectory(name, LinkOption.NOFOLLOW_LINKS)) {
                    findings.add(new Finding("orphan", null, name.toUri().toString(), "not an artifact directory"));
                    continue;
                }
                try (DirectoryStream<Path> versions = Files.newDirectoryStream(name)) {
                    for (Path version : versions) {
                        seen++;
                        if (!referenced.contains(version.normalize())) {
                            findings.add(new Finding("orphan", null, version.toUri().toString(), "no version in the metadata refers to it"));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return seen;
    }
}
