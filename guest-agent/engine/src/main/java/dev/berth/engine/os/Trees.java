package dev.berth.engine.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * Deleting directory trees that may hold hostile content (layers, uploaded archives): through directory
 * descriptors, never following a symlink, so a link to / inside the tree cannot redirect the deletion.
 */
public final class Trees {
    private Trees() {}

    /** Deletes {@code p} and everything below it; a missing path is fine. */
    public static void delete(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (RootDir parent = RootDir.open(p.toAbsolutePath().getParent())) {
            RootDir.removeAll(parent.fd(), p.getFileName().toString());
        }
    }

    /** Deletes everything inside {@code dir}, keeping {@code dir} itself. */
    public static void empty(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (RootDir d = RootDir.open(dir)) {
            int fd = Linux.openat(d.fd(), ".", OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0);
            try {
                for (String name : RootDir.list(fd)) {
                    RootDir.removeAll(fd, name);
                }
            } finally {
                Linux.close(fd);
            }
        }
    }

    /** Bytes of regular files under {@code dir} (each inode once), as du counts a container's layer; 0 if absent. */
    public static long size(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        Set<Object> seen = new HashSet<>();
        long[] total = {0};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                if (a.isRegularFile() && (a.fileKey() == null || seen.add(a.fileKey()))) {
                    total[0] += a.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                return FileVisitResult.CONTINUE; // removed while walking
            }
        });
        return total[0];
    }
}
