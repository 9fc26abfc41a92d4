package dev.berth.engine.image.archive;

import dev.berth.engine.archive.ArchiveException;
import dev.berth.engine.archive.Decompress;
import dev.berth.engine.archive.NoSpaceException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Digest;
import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An uploaded archive unpacked into a private staging directory. Docker's archives put manifest.json after
 * the blobs, so everything is staged before anything is interpreted. Only regular files reach the disk, each
 * under a name the stager picks ({@code 0}, {@code 1}, ...): the archive's own names, symlinks and hardlinks
 * live in maps, so no entry can make a write land outside the staging directory, whatever it is called.
 * Symlinks are kept because real saves use them (Docker ≤ 24 links shared {@code layer.tar} files) and are
 * followed only inside the archive.
 */
final class StagedArchive implements AutoCloseable {
    private static final Set<String> METADATA = Set.of("manifest.json", "index.json", "repositories", "oci-layout");

    private final Path dir;
    private final long freeSpaceReserve;
    private final long maxMemberBytes;
    private final Map<String, StagedFile> files = new HashMap<>();
    private final Map<String, String> symlinks = new HashMap<>();
    private FileStore store;
    private long next;
    private int entries;

    private StagedArchive(Path dir, long freeSpaceReserve, long maxMemberBytes) {
        this.dir = dir;
        this.freeSpaceReserve = freeSpaceReserve;
        this.maxMemberBytes = maxMemberBytes;
    }

    /**
     * Stages {@code tar} (plain, gzip or zstd) under a new directory in {@code staging}; deleted by close.
     * Staging stops before the filesystem's free space drops under {@code freeSpaceReserve}, and no member
     * may exceed {@code maxMemberBytes} (the uncompressed layer bound: a layer file cannot be bigger).
     */
    static StagedArchive extract(InputStream tar, Path staging, long freeSpaceReserve, long maxMemberBytes)
            throws IOException {
        StagedArchive a = new StagedArchive(Files.createTempDirectory(staging, "load-"), freeSpaceReserve,
                maxMemberBytes);
        try {
            a.store = Files.getFileStore(a.dir);
            try (InputStream plain = Decompress.open(Codecs.shielded(tar))) {
                TarReader reader = new TarReader(plain);
                for (TarEntry e = reader.next(); e != null; e = reader.next()) {
                    a.add(e, reader);
                }
            }
            return a;
        } catch (IOException | RuntimeException e) {
            try {
                a.close();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void add(TarEntry e, TarReader reader) throws IOException {
        if (++entries > ArchiveLimits.MAX_ENTRIES) {
            throw new ArchiveException("archive has more than " + ArchiveLimits.MAX_ENTRIES + " entries");
        }
        String name = ArchivePaths.entryName(e.name());
        if (name.isEmpty()) {
            return; // "./": the archive root itself
        }
        refuseThroughSymlink(name);
        files.remove(name);
        symlinks.remove(name);
        switch (e.type()) {
            case DIRECTORY -> { }
            case FILE -> files.put(name, copy(name, e.size(), reader.content()));
            case SYMLINK -> symlinks.put(name, checkedLinkTarget(name, e.linkName()));
            case HARDLINK -> files.put(name, hardlinkTarget(name, e.linkName()));
            default -> throw new ArchiveException("archive entry " + name + " is a " + e.type().name().toLowerCase(java.util.Locale.ROOT)
                    + ", which an image archive cannot hold");
        }
    }

    /** A member below a symlink would be written through it; tar would follow it, we refuse. */
    private void refuseThroughSymlink(String name) throws ArchiveException {
        for (int i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
            String parent = name.substring(0, i);
            if (symlinks.containsKey(parent)) {
                throw new ArchiveException("archive entry " + name + " passes through the symlink " + parent);
            }
            if (files.containsKey(parent)) {
                throw new ArchiveException("archive entry " + name + " is below " + parent + ", which is a file");
            }
        }
    }

    /** Symlinks may only point inside the archive, relative to their own directory. */
    private static String checkedLinkTarget(String name, String target) throws ArchiveException {
        if (target.isEmpty() || target.startsWith("/")) {
            throw new ArchiveException("archive entry " + name + " is a symlink to " + target
                    + ", outside the archive");
        }
        int slash = name.lastIndexOf('/');
        String joined = (slash < 0 ? "" : name.substring(0, slash + 1)) + target;
        Deque<String> parts = new ArrayDeque<>();
        for (String p : joined.split("/")) {
            if (p.equals("..")) {
                if (parts.pollLast() == null) {
                    throw new ArchiveException("archive entry " + name + " is a symlink to " + target
                            + ", outside the archive");
                }
            } else if (!p.isEmpty() && !p.equals(".")) {
                parts.addLast(p);
            }
        }
        return target;
    }

    private StagedFile hardlinkTarget(String name, String target) throws IOException {
        String clean = ArchivePaths.entryName(target);
        StagedFile f = files.get(resolve(clean));
        if (f == null) {
            throw new ArchiveException("archive entry " + name + " is a hardlink to " + target
                    + ", which is not a file earlier in the archive");
        }
        return f;
    }

    private StagedFile copy(String name, long size, InputStream content) throws IOException {
        if (METADATA.contains(name) && size > ArchiveLimits.MAX_METADATA) {
            throw new ArchiveException(name + " has " + size + " bytes, more than the limit of "
                    + ArchiveLimits.MAX_METADATA);
        }
        if (size > maxMemberBytes) {
            throw new ArchiveException("archive entry " + name + " has " + size + " bytes, more than the limit of "
                    + maxMemberBytes);
        }
        if (store.getUsableSpace() - size < freeSpaceReserve) {
            throw new NoSpaceException("no space left to stage archive entry " + name + " (" + size + " bytes)");
        }
        Path target = newFile();
        var sha = Digest.newSha256();
        byte[] magic = new byte[4];
        int magicLength = 0;
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            for (int n; (n = content.read(buf)) > 0; ) {
                int take = Math.min(n, magic.length - magicLength);
                System.arraycopy(buf, 0, magic, magicLength, take);
                magicLength += take;
                sha.update(buf, 0, n);
                out.write(buf, 0, n);
            }
        }
        return new StagedFile(name, target, size, Digest.fromSha256(sha.digest()), Decompress.sniff(magic, magicLength));
    }

    /** A fresh file in the staging directory, for staged entries and for derived data (gzipped layers). */
    Path newFile() {
        return dir.resolve(Long.toString(next++));
    }

    boolean has(String name) throws ArchiveException {
        return find(name).isPresent();
    }

    /** The regular file at {@code cleanPath}, following symlinks inside the archive. */
    Optional<StagedFile> find(String cleanPath) throws ArchiveException {
        return Optional.ofNullable(files.get(resolve(cleanPath)));
    }

    /** The file a manifest names, or an error naming {@code what} and the path. */
    StagedFile file(String path, String what) throws IOException {
        String clean = ArchivePaths.reference(path, what);
        return find(clean).orElseThrow(() -> new InvalidArgumentException(what + " " + path
                + " is not a file in the archive"));
    }

    /** Follows symlinks component by component; leaving the archive or looping is an error. */
    private String resolve(String cleanPath) throws ArchiveException {
        Deque<String> todo = new ArrayDeque<>(List.of(cleanPath.split("/")));
        List<String> done = new ArrayList<>();
        int hops = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (done.isEmpty()) {
                    throw new ArchiveException(cleanPath + " resolves to a path outside the archive");
                }
                done.removeLast();
                continue;
            }
            done.add(c);
            String link = symlinks.get(String.join("/", done));
            if (link != null) {
                if (++hops > ArchiveLimits.MAX_SYMLINK_HOPS) {
                    throw new ArchiveException("too many levels of symlinks resolving " + cleanPath);
                }
                done.removeLast();
                List<String> parts = List.of(link.split("/"));
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
            }
        }
        return String.join("/", done);
    }

    /** Deletes the staging directory; it holds only regular files the stager created. */
    @Override
    public void close() throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
