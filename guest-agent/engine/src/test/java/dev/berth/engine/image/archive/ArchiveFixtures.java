package dev.berth.engine.image.archive;

import dev.berth.engine.os.Linux;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageIndex;
import dev.berth.oci.ImageManifest;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import dev.berth.oci.layout.OciLayout;
import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Test archives: the fixture images as an OCI layout tar, hand-made tars, and snapshot tree listings. */
final class ArchiveFixtures {
    private ArchiveFixtures() {}

    /** {@code names} of the fixture layout (e.g. {@code busybox:latest}) as an OCI layout tar in {@code out}. */
    static void ociLayoutTar(OciLayout layout, List<String> names, OutputStream out) throws IOException {
        List<Descriptor> entries = new ArrayList<>();
        TreeSet<Digest> blobs = new TreeSet<>();
        for (String name : names) {
            Descriptor d = layout.find(name).orElseThrow(() -> new AssertionError("no fixture " + name));
            entries.add(d);
            reach(layout, d, blobs);
        }
        try (TarWriter tar = new TarWriter(out)) {
            file(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes());
            file(tar, "index.json", Json.write(new ImageIndex(2, MediaTypes.OCI_INDEX, entries, null)));
            tar.write(TarEntry.directory("blobs/", 0755, 0), new byte[0]);
            tar.write(TarEntry.directory("blobs/sha256/", 0755, 0), new byte[0]);
            for (Digest d : blobs) {
                Path p = layout.blobPath(d);
                try (InputStream in = Files.newInputStream(p)) {
                    tar.write(TarEntry.file("blobs/sha256/" + d.hex(), 0644, Files.size(p), 0), in);
                }
            }
        }
    }

    private static void reach(OciLayout layout, Descriptor d, TreeSet<Digest> blobs) throws IOException {
        blobs.add(d.digest());
        if (MediaTypes.isIndex(d.mediaType())) {
            for (Descriptor child : Json.read(layout.readBlob(d.digest()), ImageIndex.class).manifests()) {
                reach(layout, child, blobs);
            }
        } else if (MediaTypes.isManifest(d.mediaType())) {
            ImageManifest m = Json.read(layout.readBlob(d.digest()), ImageManifest.class);
            blobs.add(m.config().digest());
            m.layers().forEach(l -> blobs.add(l.digest()));
        }
    }

    static void file(TarWriter tar, String name, byte[] content) throws IOException {
        tar.write(TarEntry.file(name, 0644, content.length, 0), content);
    }

    /** A tar made by {@code body}. */
    static byte[] tar(TarBody body) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarWriter tar = new TarWriter(buf)) {
            body.write(tar);
        }
        return buf.toByteArray();
    }

    @FunctionalInterface
    interface TarBody {
        void write(TarWriter tar) throws IOException;
    }

    /**
     * Everything about a tree that unpacking decides: names, types, modes, owners, sizes, link targets,
     * device numbers, content hashes and xattrs, one sorted line per entry.
     */
    static List<String> listing(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted().toList()) {
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,rdev", LinkOption.NOFOLLOW_LINKS);
                String rel = root.relativize(p).toString();
                StringBuilder line = new StringBuilder(rel).append(' ')
                        .append(Integer.toOctalString((Integer) a.get("mode"))).append(' ')
                        .append(a.get("uid")).append(':').append(a.get("gid"));
                if (Files.isSymbolicLink(p)) {
                    line.append(" -> ").append(Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    line.append(' ').append(a.get("size")).append(' ').append(Digest.sha256(Files.readAllBytes(p)));
                } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    line.append(" rdev=").append(a.get("rdev"));
                }
                for (String x : new TreeSet<>(Linux.llistxattr(p.toString()))) {
                    line.append(' ').append(x).append('=')
                            .append(HexFormat.of().formatHex(Linux.lgetxattr(p.toString(), x)));
                }
                out.add(line.toString());
            }
        }
        return out;
    }
}
