package dev.berth.oci.tar;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes POSIX (ustar + PAX) tar archives. Output depends only on the entries given, never on the clock or
 * the local user database, so the image maker produces byte-identical layers run after run.
 */
public final class TarWriter implements AutoCloseable {
    static final int BLOCK = 512;
    private static final long MAX_OCTAL_11 = 077777777777L;
    private static final long MAX_OCTAL_7 = 07777777L;

    private final OutputStream out;
    private boolean finished;

    public TarWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes one member; {@code content} must supply exactly {@code entry.size()} bytes (null if size is 0). */
    public void write(TarEntry entry, InputStream content) throws IOException {
        Map<String, byte[]> pax = paxRecordsFor(entry);
        if (!pax.isEmpty()) {
            byte[] body = encodePax(pax);
            writeHeader(paxHeaderName(entry.name()), 'x', 0644, 0, 0, body.length, entry.mtime(), "", "", "", 0, 0);
            out.write(body);
            pad(body.length);
        }
        writeHeader(entry.name(), entry.type().flag, entry.mode(), entry.uid(), entry.gid(), entry.size(),
                entry.mtime(), entry.linkName(), entry.userName(), entry.groupName(), entry.devMajor(), entry.devMinor());
        if (entry.size() > 0) {
            long copied = content.transferTo(new LimitedOutput(out, entry.size()));
            if (copied != entry.size()) {
                throw new IOException("tar member " + entry.name() + ": expected " + entry.size()
                        + " bytes of content, got " + copied);
            }
            pad(entry.size());
        }
    }

    public void write(TarEntry entry, byte[] content) throws IOException {
        write(entry, new java.io.ByteArrayInputStream(content));
    }

    /** Writes the two zero blocks that end an archive. Does not close the underlying stream. */
    public void finish() throws IOException {
        if (!finished) {
            out.write(new byte[BLOCK * 2]);
            finished = true;
        }
    }

    @Override
    public void close() throws IOException {
        finish();
        out.flush();
    }

    private static Map<String, byte[]> paxRecordsFor(TarEntry e) {
        Map<String, byte[]> pax = new LinkedHashMap<>();
        if (!fitsUstarName(e.name())) {
            pax.put("path", utf8(e.name()));
        }
        if (utf8(e.linkName()).length > 100 || !isAscii(e.linkName())) {
            pax.put("linkpath", utf8(e.linkName()));
        }
        if (e.size() > MAX_OCTAL_11) {
            pax.put("size", utf8(Long.toString(e.size())));
        }
        if (e.uid() > MAX_OCTAL_7) {
            pax.put("uid", utf8(Long.toString(e.uid())));
        }
        if (e.gid() > MAX_OCTAL_7) {
            pax.put("gid", utf8(Long.toString(e.gid())));
        }
        e.xattrs().forEach((k, v) -> pax.put("SCHILY.xattr." + k, v));
        return pax;
    }

    /** PAX records are {@code "<len> <key>=<value>\n"} where len counts its own digits. */
    static byte[] encodePax(Map<String, byte[]> records) {
        var buf = new java.io.ByteArrayOutputStream();
        records.forEach((key, value) -> {
            int rest = 1 + utf8(key).length + 1 + value.length + 1;
            int len = rest + 1;
            while (len != rest + Integer.toString(len).length()) {
                len = rest + Integer.toString(len).length();
            }
            buf.writeBytes(utf8(len + " " + key + "="));
            buf.writeBytes(value);
            buf.write('\n');
        });
        return buf.toByteArray();
    }

    private static String paxHeaderName(String name) {
        String base = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        int slash = base.lastIndexOf('/');
        String leaf = slash < 0 ? base : base.substring(slash + 1);
        String dir = slash < 0 ? "." : base.substring(0, slash);
        String candidate = dir + "/PaxHeaders/" + leaf;
        return fitsUstarName(candidate) ? candidate : "PaxHeaders/" + truncate(leaf, 80);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static boolean fitsUstarName(String name) {
        return isAscii(name) && ustarSplit(name) != null;
    }

    /** Splits a name into ustar prefix (≤155) and name (≤100) at a slash, or returns null if impossible. */
    private static String[] ustarSplit(String name) {
        if (name.length() <= 100) {
            return new String[] {"", name};
        }
        for (int i = name.length() - 1; i > 0; i--) {
            if (name.charAt(i) == '/' && i <= 155 && name.length() - i - 1 <= 100 && name.length() - i - 1 > 0) {
                return new String[] {name.substring(0, i), name.substring(i + 1)};
            }
        }
        return null;
    }

    private void writeHeader(String name, char flag, int mode, long uid, long gid, long size, long mtime,
            String link, String uname, String gname, int major, int minor) throws IOException {
        byte[] h = new byte[BLOCK];
        String[] split = ustarSplit(name);
        if (split == null || !isAscii(name)) {
            split = new String[] {"", truncate(name, 100)};
        }
        putString(h, 0, 100, split[1]);
        putOctal(h, 100, 8, mode & 07777);
        putOctal(h, 108, 8, Math.min(uid, MAX_OCTAL_7));
        putOctal(h, 116, 8, Math.min(gid, MAX_OCTAL_7));
        putOctal(h, 124, 12, Math.min(size, MAX_OCTAL_11));
        putOctal(h, 136, 12, Math.max(0, Math.min(mtime, MAX_OCTAL_11)));
        h[156] = (byte) flag;
        putString(h, 157, 100, link.length() <= 100 && isAscii(link) ? link : "");
        putString(h, 257, 6, "ustar");
        h[263] = '0';
        h[264] = '0';
        putString(h, 265, 32, uname);
        putString(h, 297, 32, gname);
        putOctal(h, 329, 8, major);
        putOctal(h, 337, 8, minor);
        putString(h, 345, 155, split[0]);
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        String chk = String.format("%06o", sum);
        putString(h, 148, 7, chk);
        h[154] = 0;
        h[155] = ' ';
        out.write(h);
    }

    private void pad(long written) throws IOException {
        int rem = (int) (written % BLOCK);
        if (rem != 0) {
            out.write(new byte[BLOCK - rem]);
        }
    }

    private static void putString(byte[] h, int off, int len, String s) {
        byte[] b = utf8(s);
        System.arraycopy(b, 0, h, off, Math.min(b.length, len));
    }

    private static void putOctal(byte[] h, int off, int len, long value) {
        String s = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
        putString(h, off, len - 1, padded);
        h[off + len - 1] = 0;
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c > 0 && c < 0x80);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Refuses to write more than the declared member size, so a wrong size cannot corrupt the archive. */
    private static final class LimitedOutput extends OutputStream {
        private final OutputStream out;
        private long remaining;

        LimitedOutput(OutputStream out, long limit) {
            this.out = out;
            this.remaining = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > remaining) {
                throw new IOException("tar member content is longer than its declared size");
            }
            out.write(b, off, len);
            remaining -= len;
        }
    }
}
