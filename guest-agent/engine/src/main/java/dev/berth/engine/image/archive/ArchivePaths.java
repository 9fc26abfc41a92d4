package dev.berth.engine.image.archive;

import dev.berth.engine.archive.ArchiveException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names inside an uploaded archive. They are only ever keys of an in-memory map, never host paths, but they
 * are still checked strictly: an entry or a manifest.json reference that tries to leave the archive is an
 * attack (CVE-2014-6407 class) and is refused by name rather than silently clamped.
 */
final class ArchivePaths {
    private static final Pattern BLOB = Pattern.compile("blobs/(sha256|sha512)/([0-9a-f]+)");
    private static final Pattern LEGACY_CONFIG = Pattern.compile("([0-9a-f]{64})\\.json");

    private ArchivePaths() {}

    /** The normalized form of a tar member name ({@code ./a//b/} → {@code a/b}); "" is the root. */
    static String entryName(String name) throws ArchiveException {
        if (name.startsWith("/")) {
            throw new ArchiveException("archive entry " + name + " has an absolute path");
        }
        List<String> parts = components(name);
        if (parts == null) {
            throw new ArchiveException("archive entry " + name + " points outside the archive (..)");
        }
        return String.join("/", parts);
    }

    /** A file named by manifest.json or index.json: relative, without {@code ..}, not the root. */
    static String reference(String path, String what) {
        if (path == null || path.isEmpty()) {
            throw new InvalidArgumentException(what + " is missing a file name");
        }
        if (path.startsWith("/")) {
            throw new InvalidArgumentException(what + " " + path + " is an absolute path, outside the archive");
        }
        List<String> parts = components(path);
        if (parts == null) {
            throw new InvalidArgumentException(what + " " + path + " points outside the archive");
        }
        if (parts.isEmpty()) {
            throw new InvalidArgumentException(what + " " + path + " names the archive root, not a file");
        }
        return String.join("/", parts);
    }

    /** Where a blob lives in an OCI layout (and in a Docker 25 save). */
    static String blobPath(Digest d) {
        return "blobs/" + d.algorithm() + "/" + d.hex();
    }

    /**
     * The digest a file name promises: {@code blobs/sha256/<hex>} (OCI layout, Docker 25) or
     * {@code <hex>.json} (the config file of a Docker 1.10–24 save, named by the image ID).
     */
    static Optional<Digest> claimedDigest(String cleanPath) {
        Matcher blob = BLOB.matcher(cleanPath);
        if (blob.matches()) {
            try {
                return Optional.of(new Digest(blob.group(1), blob.group(2)));
            } catch (IllegalArgumentException e) {
                throw new InvalidArgumentException("blob name " + cleanPath + " is not a valid digest");
            }
        }
        Matcher legacy = LEGACY_CONFIG.matcher(cleanPath);
        return legacy.matches() ? Optional.of(new Digest("sha256", legacy.group(1))) : Optional.empty();
    }

    /** Path components without "" and "."; null if a ".." appears (never allowed in a name). */
    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                return null;
            }
            out.add(p);
        }
        return out;
    }
}
