package dev.berth.monitor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;

/**
 * The berth-monitor executable carried by this module's jar (resource
 * {@code dev/berth/monitor/linux-<arch>/berth-monitor}, a static Linux binary), and its installation to
 * a directory the engine can run it from. See the module's README.md for the binary's contract.
 */
public final class MonitorBinary {
    /** The installed file's name. */
    public static final String FILE_NAME = "berth-monitor";

    private MonitorBinary() {}

    /** The architecture name used in the resource path: {@code amd64} or {@code arm64} (else os.arch as is). */
    public static String arch() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }

    /** The resource name of the binary for this JVM's architecture. */
    public static String resourceName() {
        return "/dev/berth/monitor/linux-" + arch() + "/" + FILE_NAME;
    }

    /**
     * Copies the binary for this JVM's architecture to {@code dir/berth-monitor} (mode 0755), unless an
     * identical file (same SHA-256) is already there, and returns that path. The copy is written to a
     * temporary file and renamed, so a concurrent reader never sees a half-written binary.
     *
     * @throws IllegalStateException if the jar carries no binary for this architecture
     */
    public static Path install(Path dir) {
        byte[] binary = read();
        Path target = dir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dir);
            if (Files.isRegularFile(target) && Arrays.equals(sha256(Files.readAllBytes(target)), sha256(binary))) {
                ensureExecutable(target);
                return target;
            }
            Path tmp = Files.createTempFile(dir, FILE_NAME, ".tmp");
            try {
                Files.write(tmp, binary);
                ensureExecutable(tmp);
                try {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install " + FILE_NAME + " to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static byte[] read() {
        try (InputStream in = MonitorBinary.class.getResourceAsStream(resourceName())) {
            if (in == null) {
                throw new IllegalStateException("no " + FILE_NAME + " binary for linux-" + arch()
                        + " in this build (resource " + resourceName() + "); it is built on Linux for the build"
                        + " machine's architecture only");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resourceName() + ": " + e.getMessage(), e);
        }
    }

    private static void ensureExecutable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
