package dev.berth.engine.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mount points are made and resolved inside the rootfs whatever symlinks the image has at the target. */
class MountTargetsTest {
    @TempDir
    Path dir;
    Path rootfs;

    @BeforeEach
    void image() throws Exception {
        rootfs = Files.createDirectories(dir.resolve("a/b/rootfs"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createSymbolicLink(rootfs.resolve("toroot"), Path.of("/"));
        Files.createSymbolicLink(rootfs.resolve("up"), Path.of("../../.."));
        Files.createSymbolicLink(rootfs.resolve("dangling"), Path.of("../../../../outside/x"));
        Files.createSymbolicLink(rootfs.resolve("etc/abs"), Path.of("/var/lib/data"));
    }

    @Test
    void missingDirectoriesAreMadeInside() throws Exception {
        assertEquals("/srv/app/data", MountTargets.prepare(rootfs, "/srv/app/data", true));
        assertTrue(Files.isDirectory(rootfs.resolve("srv/app/data")));
    }

    @Test
    void aLinkToTheRootOrAboveItIsRefused() {
        for (String target : new String[] {"/toroot", "/up", "/etc/../up"}) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> MountTargets.prepare(rootfs, target, true), target);
            assertTrue(e.getMessage().contains("resolves to / of the container"), e.getMessage());
        }
    }

    @Test
    void danglingAndAbsoluteLinksResolveInsideTheRootfs() throws Exception {
        assertEquals("/outside/x", MountTargets.prepare(rootfs, "/dangling", true));
        assertTrue(Files.isDirectory(rootfs.resolve("outside/x")));
        assertFalse(Files.exists(dir.resolve("outside")), "nothing made above the rootfs");
        assertEquals("/var/lib/data/sub", MountTargets.prepare(rootfs, "/etc/abs/sub", true));
        assertEquals("/up-file", MountTargets.prepare(rootfs, "/toroot/up/up-file", false));
        assertTrue(Files.isRegularFile(rootfs.resolve("up-file")), "a file bind gets an empty file");
    }

    @Test
    void aFileInTheWayIsAClearError() throws Exception {
        Files.writeString(rootfs.resolve("etc/conf"), "x");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> MountTargets.prepare(rootfs, "/etc/conf/sub", true));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
    }
}
