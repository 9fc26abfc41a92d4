package dev.berth.engine.image.archive;

import dev.berth.engine.archive.Decompress;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.util.HexFormat;

/**
 * One regular file of an uploaded archive, copied to the staging directory. Its sha256 and codec were taken
 * while it was copied, so checking a claimed digest or choosing a decompressor costs no second read.
 *
 * @param name   the member name in the archive, for messages
 * @param path   the staged copy (named by the stager, never by the archive)
 */
record StagedFile(String name, Path path, long size, Digest sha256, Decompress.Codec codec) {

    InputStream open() throws IOException {
        return Files.newInputStream(path);
    }

    /** True if the content hashes to {@code d}; sha512 claims cost one read. */
    boolean matches(Digest d) throws IOException {
        if (d.algorithm().equals("sha256")) {
            return d.equals(sha256);
        }
        var hasher = d.newHasher();
        try (InputStream in = open(); OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(),
                hasher)) {
            in.transferTo(sink);
        }
        return d.hex().equals(HexFormat.of().formatHex(hasher.digest()));
    }

    /** The whole content, refused above {@code max} bytes before anything is read. */
    byte[] read(long max, String what) throws IOException {
        if (size > max) {
            throw new InvalidArgumentException(what + " " + name + " has " + size + " bytes, more than the limit of "
                    + max);
        }
        return Files.readAllBytes(path);
    }
}
