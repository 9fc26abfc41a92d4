package dev.berth.testkit;

import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/** Reads one file out of a Debian package (.deb = ar archive holding data.tar.{xz,gz}) without dpkg. */
public final class DebPackage {
    private DebPackage() {}

    public static byte[] extract(Path deb, String pathInPackage) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(deb))) {
            byte[] magic = in.readNBytes(8);
            if (!new String(magic, StandardCharsets.US_ASCII).equals("!<arch>\n")) {
                throw new IOException("not a Debian package (no ar header): " + deb);
            }
            while (true) {
                byte[] header = in.readNBytes(60);
                if (header.length < 60) {
                    throw new IOException("no data.tar member in " + deb);
                }
                String name = new String(header, 0, 16, StandardCharsets.US_ASCII).trim();
                long size = Long.parseLong(new String(header, 48, 10, StandardCharsets.US_ASCII).trim());
                if (name.startsWith("data.tar")) {
                    InputStream member = new BoundedStream(in, size);
                    InputStream tar = name.endsWith(".xz") ? new XZInputStream(member)
                            : name.endsWith(".gz") ? new GZIPInputStream(member) : member;
                    return findIn(new TarReader(tar), pathInPackage, deb);
                }
                in.skipNBytes(size + (size % 2));
            }
        }
    }

    private static byte[] findIn(TarReader tar, String wanted, Path deb) throws IOException {
        for (TarEntry e = tar.next(); e != null; e = tar.next()) {
            String name = e.name().startsWith("./") ? e.name().substring(2) : e.name();
            if (name.equals(wanted) && e.type() == TarEntry.Type.FILE) {
                return tar.content().readAllBytes();
            }
        }
        throw new IOException(wanted + " is not in " + deb);
    }

    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedStream(InputStream in, long left) {
            this.in = in;
            this.left = left;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            left--;
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
