package dev.berth.oci.maker;

import dev.berth.oci.tar.TarEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The contents of one layer, by path. Entries are written sorted by path with fixed owners and times, and
 * missing parent directories are added, so the same spec always produces the same tar bytes.
 */
public final class LayerSpec {
    private final TreeMap<String, Node> nodes = new TreeMap<>();
    private final Map<String, Map<String, byte[]>> xattrs = new HashMap<>();
    private final String description;

    record Node(TarEntry.Type type, int mode, long size, Supplier<InputStream> content, String link) {}

    private LayerSpec(String description) {
        this.description = description;
    }

    /** {@code description} ends up in the image history's {@code created_by}. */
    public static LayerSpec named(String description) {
        return new LayerSpec(description);
    }

    public String description() {
        return description;
    }

    public LayerSpec dir(String path, int mode) {
        return put(path, new Node(TarEntry.Type.DIRECTORY, mode, 0, null, null));
    }

    public LayerSpec file(String path, int mode, byte[] content) {
        return put(path, new Node(TarEntry.Type.FILE, mode, content.length,
                () -> new ByteArrayInputStream(content), null));
    }

    public LayerSpec file(String path, int mode, Path source) {
        try {
            long size = Files.size(source);
            return put(path, new Node(TarEntry.Type.FILE, mode, size, () -> open(source), null));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
    }

    /** A file of {@code size} incompressible bytes from a seeded generator: the same seed, the same bytes. */
    public LayerSpec randomFile(String path, long size, long seed) {
        return put(path, new Node(TarEntry.Type.FILE, 0644, size, () -> new SeededBytes(seed, size), null));
    }

    public LayerSpec symlink(String path, String target) {
        return put(path, new Node(TarEntry.Type.SYMLINK, 0777, 0, null, target));
    }

    public LayerSpec hardlink(String path, String target) {
        return put(path, new Node(TarEntry.Type.HARDLINK, 0644, 0, null, target));
    }

    /** Marks {@code path} as deleted relative to the layers below (an OCI whiteout file). */
    public LayerSpec whiteout(String path) {
        String clean = clean(path);
        int slash = clean.lastIndexOf('/');
        String wh = (slash < 0 ? "" : clean.substring(0, slash + 1)) + ".wh." + clean.substring(slash + 1);
        return file(wh, 0644, new byte[0]);
    }

    /** Hides everything below {@code dir} in lower layers (an OCI opaque-directory marker). */
    public LayerSpec opaque(String dir) {
        return file(clean(dir) + "/.wh..wh..opq", 0644, new byte[0]);
    }

    public LayerSpec xattr(String path, String key, byte[] value) {
        xattrs.computeIfAbsent(clean(path), k -> new TreeMap<>()).put(key, value.clone());
        return this;
    }

    /** The tar entries in write order, with generated parent directories. */
    Map<String, Node> entries() {
        TreeMap<String, Node> all = new TreeMap<>(nodes);
        for (String path : nodes.keySet()) {
            for (int i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
                all.putIfAbsent(path.substring(0, i), new Node(TarEntry.Type.DIRECTORY, 0755, 0, null, null));
            }
        }
        return all;
    }

    Map<String, byte[]> xattrsOf(String path) {
        return xattrs.getOrDefault(path, Map.of());
    }

    private LayerSpec put(String path, Node node) {
        nodes.put(clean(path), node);
        return this;
    }

    private static String clean(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty() || p.equals("..") || p.startsWith("../") || p.contains("/../") || p.endsWith("/..")) {
            throw new IllegalArgumentException("layer path must stay inside the layer: " + path);
        }
        return p;
    }

    private static InputStream open(Path p) {
        try {
            return Files.newInputStream(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    /** Incompressible, reproducible bytes: generated in fixed blocks so read sizes cannot change them. */
    static final class SeededBytes extends InputStream {
        private final SplittableRandom random;
        private final byte[] block = new byte[8192];
        private int pos = block.length;
        private long remaining;

        SeededBytes(long seed, long size) {
            this.random = new SplittableRandom(seed);
            this.remaining = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining == 0) {
                return -1;
            }
            if (pos == block.length) {
                random.nextBytes(block);
                pos = 0;
            }
            int n = (int) Math.min(Math.min(len, remaining), block.length - pos);
            System.arraycopy(block, pos, b, off, n);
            pos += n;
            remaining -= n;
            return n;
        }
    }
}
