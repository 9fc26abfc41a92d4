package dev.berth.oci.maker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.oci.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-assembled programs really run: natively for the host's architecture, under qemu-user otherwise. */
class StaticHelloTest {
    @TempDir
    Path tmp;

    @Test
    void amd64ProgramPrintsItsMessageAndExitsZero() throws Exception {
        runs("amd64", "hello, amd64\n");
    }

    @Test
    void arm64ProgramPrintsItsMessageAndExitsZero() throws Exception {
        runs("arm64", "hello, arm64\n");
    }

    private void runs(String arch, String message) throws Exception {
        Path exe = tmp.resolve("hello-" + arch);
        Files.write(exe, StaticHello.elf(arch, message));
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> cmd;
        if (Platform.host().architecture().equals(arch)) {
            cmd = List.of(exe.toString());
        } else {
            String qemu = "/usr/bin/qemu-" + (arch.equals("arm64") ? "aarch64" : "x86_64");
            assumeTrue(Files.isExecutable(Path.of(qemu)) || Files.isExecutable(Path.of(qemu + "-static")),
                    "cannot run " + arch + " code here: not the host architecture and no " + qemu
                            + " (Debian package qemu-user)");
            cmd = List.of(Files.isExecutable(Path.of(qemu)) ? qemu : qemu + "-static", exe.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor());
        assertEquals(message, out);
    }
}
