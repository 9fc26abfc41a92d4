package dev.berth.engine.it;

import dev.berth.oci.Digest;
import dev.berth.oci.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * A read-only consistency check of an engine's data root, used after fault tests: every committed blob
 * hashes to its name, every image's config, manifest, layer blobs and layers exist, every name points at an
 * image, every layer record has its tree, and no half-written file is visible. Returns the problems found.
 */
final class StoreFsck {
    private StoreFsck() {}

    static List<String> check(Path root) throws IOException {
        List<String> problems = new ArrayList<>();
        Path blobs = root.resolve("content/blobs/sha256");
        if (Files.isDirectory(blobs)) {
            try (Stream<Path> s = Files.list(blobs)) {
                for (Path b : s.toList()) {
                    String name = b.getFileName().toString();
                    if (!sha256(b).equals(name)) {
                        problems.add("blob " + name + " does not hash to its name");
                    }
                }
            }
        }
        Path snapshotMeta = root.resolve("snapshots/meta");
        java.util.Set<String> layers = new java.util.HashSet<>();
        if (Files.isDirectory(snapshotMeta)) {
            try (Stream<Path> s = Files.list(snapshotMeta)) {
                for (Path r : s.toList()) {
                    if (r.getFileName().toString().startsWith(".tmp-")) {
                        problems.add("half-written layer record " + r.getFileName());
                        continue;
                    }
                    JsonNode n = Json.mapper().readTree(Files.readAllBytes(r));
                    layers.add(n.get("diffId").asString());
                    if (!Files.isDirectory(root.resolve("snapshots/" + n.get("id").asLong()))) {
                        problems.add("layer record " + r.getFileName() + " has no tree");
                    }
                }
            }
            try (Stream<Path> s = Files.list(root.resolve("snapshots"))) {
                s.filter(p -> p.getFileName().toString().startsWith("new-"))
                        .forEach(p -> problems.add("unfinished layer directory " + p.getFileName()));
            }
        }
        java.util.Set<String> images = new java.util.HashSet<>();
        Path imageDir = root.resolve("meta/images");
        if (Files.isDirectory(imageDir)) {
            try (Stream<Path> s = Files.list(imageDir)) {
                for (Path r : s.toList()) {
                    if (r.getFileName().toString().startsWith(".tmp-")) {
                        problems.add("half-written image record " + r.getFileName());
                        continue;
                    }
                    JsonNode img = Json.mapper().readTree(Files.readAllBytes(r));
                    String id = img.get("id").asString();
                    images.add(id);
                    requireBlob(blobs, id, "config of " + id, problems);
                    if (img.hasNonNull("manifest")) {
                        requireBlob(blobs, img.get("manifest").asString(), "manifest of " + id, problems);
                    }
                    for (JsonNode l : img.get("layers")) {
                        requireBlob(blobs, l.get("blob").asString(), "layer blob of " + id, problems);
                        if (!layers.contains(l.get("diffId").asString())) {
                            problems.add("layer " + l.get("diffId").asString() + " of image " + id + " is missing");
                        }
                    }
                }
            }
        }
        Path refs = root.resolve("meta/references.json");
        if (Files.exists(refs)) {
            JsonNode r = Json.mapper().readTree(Files.readAllBytes(refs)).get("refs");
            for (Map.Entry<String, JsonNode> e : r.properties()) {
                if (!images.contains(e.getValue().asString())) {
                    problems.add("name " + e.getKey() + " points at missing image " + e.getValue().asString());
                }
            }
        }
        return problems;
    }

    private static void requireBlob(Path blobs, String digest, String what, List<String> problems) {
        if (!Files.isRegularFile(blobs.resolve(Digest.parse(digest).hex()))) {
            problems.add(what + " (" + digest + ") is not in the content store");
        }
    }

    private static String sha256(Path p) throws IOException {
        var md = Digest.newSha256();
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
