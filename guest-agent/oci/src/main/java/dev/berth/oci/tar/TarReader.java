package dev.berth.oci.tar;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads ustar, PAX and GNU tar archives as container layers use them. Strict where leniency would be a
 * risk: headers must checksum, sizes must parse, extended headers are bounded, and member kinds a layer has
 * no business holding (sparse files, volume labels, multi-volume parts) are refused by name. Parsing only;
 * where an entry may be written is the extractor's decision.
 */
public final class TarReader implements AutoCloseable {
    /** Bounds on the metadata an archive may make us hold in memory. */
    public record Limits(int maxExtendedHeader, int maxNameLength) {
        public static final Limits DEFAULT = new Limits(1 << 20, 4096);
    }

    private final InputStream in;
    private final Limits limits;
    private final Map<String, byte[]> globalPax = new HashMap<>();
    private final byte[] header = new byte[TarWriter.BLOCK];
    private final byte[] skipBuffer = new byte[64 * 1024];
    private long remaining;
    private long padding;
    private boolean eof;

    public TarReader(InputStream in) {
        this(in, Limits.DEFAULT);
    }

    public TarReader(InputStream in, Limits limits) {
        this.in = in;
        this.limits = limits;
    }

    /** The next member, or null at the end of the archive. Unread content of the previous one is skipped. */
    public TarEntry next() throws IOException {
        skipRest();
        Map<String, byte[]> pax = new HashMap<>(globalPax);
        String longName = null;
        String longLink = null;
        while (true) {
            if (!readHeader()) {
                eof = true;
                return null;
            }
            char flag = (char) header[156];
            long size = parseNumber(header, 124, 12, "size");
            switch (flag) {
                case 'x' -> pax.putAll(parsePax(readMeta(size, "pax header")));
                case 'g' -> {
                    Map<String, byte[]> g = parsePax(readMeta(size, "global pax header"));
                    globalPax.putAll(g);
                    pax.putAll(g);
                }
                case 'L' -> longName = cString(readMeta(size, "GNU long name"));
                case 'K' -> longLink = cString(readMeta(size, "GNU long link"));
                default -> {
                    return entry(flag, size, pax, longName, longLink);
                }
            }
        }
    }

    /** The content of the member last returned by {@link #next()}; reading stops at its end. */
    public InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("tar archive ends inside a member's content");
                }
                remaining -= n;
                return n;
            }
        };
    }

    /** Reads to the end of the underlying stream, so a digest computed around it covers every byte. */
    public void drain() throws IOException {
        skipRest();
        in.transferTo(java.io.OutputStream.nullOutputStream());
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private TarEntry entry(char flag, long headerSize, Map<String, byte[]> pax, String longName, String longLink)
            throws IOException {
        boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r';
        boolean posix = ustar && header[262] == 0;
        String name = cString(header, 0, 100);
        if (posix) {
            String prefix = cString(header, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
        }
        if (longName != null) {
            name = longName;
        }
        String link = longLink != null ? longLink : cString(header, 157, 100);
        long size = headerSize;
        long uid = parseNumber(header, 108, 8, "uid");
        long gid = parseNumber(header, 116, 8, "gid");
        long mtime = parseNumber(header, 136, 12, "mtime");
        Map<String, byte[]> xattrs = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : pax.entrySet()) {
            String v = new String(e.getValue(), StandardCharsets.UTF_8);
            switch (e.getKey()) {
                case "path" -> name = v;
                case "linkpath" -> link = v;
                case "size" -> size = parseDecimal(v, "size");
                case "uid" -> uid = parseDecimal(v, "uid");
                case "gid" -> gid = parseDecimal(v, "gid");
                case "mtime" -> mtime = parseDecimal(v.contains(".") ? v.substring(0, v.indexOf('.')) : v, "mtime");
                default -> {
                    if (e.getKey().startsWith("SCHILY.xattr.")) {
                        xattrs.put(e.getKey().substring("SCHILY.xattr.".length()), e.getValue());
                    }
                }
            }
        }
        if (name.isEmpty()) {
            throw new TarFormatException("tar member with an empty name");
        }
        if (name.length() > limits.maxNameLength() || link.length() > limits.maxNameLength()) {
            throw new TarFormatException("tar member name longer than " + limits.maxNameLength() + " bytes");
        }
        TarEntry.Type type = typeOf(flag, name);
        long contentSize = type == TarEntry.Type.FILE ? size : 0;
        remaining = size;
        padding = padOf(size);
        int mode = (int) (parseNumber(header, 100, 8, "mode") & 07777);
        return new TarEntry(name, type, mode, uid, gid, contentSize, mtime, link,
                cString(header, 265, 32), cString(header, 297, 32),
                (int) parseNumber(header, 329, 8, "devmajor"), (int) parseNumber(header, 337, 8, "devminor"), xattrs);
    }

    private static TarEntry.Type typeOf(char flag, String name) throws TarFormatException {
        return switch (flag) {
            case '0', '\0', '7' -> name.endsWith("/") ? TarEntry.Type.DIRECTORY : TarEntry.Type.FILE;
            case '1' -> TarEntry.Type.HARDLINK;
            case '2' -> TarEntry.Type.SYMLINK;
            case '3' -> TarEntry.Type.CHAR;
            case '4' -> TarEntry.Type.BLOCK;
            case '5' -> TarEntry.Type.DIRECTORY;
            case '6' -> TarEntry.Type.FIFO;
            default -> throw new TarFormatException("unsupported tar member type '" + flag + "' for " + name);
        };
    }

    private boolean readHeader() throws IOException {
        int n = in.readNBytes(header, 0, header.length);
        if (n == 0) {
            return false; // archive without end-of-archive blocks: accepted, as GNU tar does
        }
        if (n < header.length) {
            throw new EOFException("tar archive ends inside a header");
        }
        if (isZero(header)) {
            return false;
        }
        long stored = parseNumber(header, 148, 8, "checksum");
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < header.length; i++) {
            int b = (i >= 148 && i < 156) ? ' ' : header[i];
            unsigned += b & 0xff;
            signed += (byte) b;
        }
        if (stored != unsigned && stored != signed) {
            throw new TarFormatException("tar header checksum mismatch (not a tar archive, or corrupt)");
        }
        return true;
    }

    private byte[] readMeta(long size, String what) throws IOException {
        if (size > limits.maxExtendedHeader()) {
            throw new TarFormatException(what + " of " + size + " bytes exceeds the limit of "
                    + limits.maxExtendedHeader());
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length != size) {
            throw new EOFException("tar archive ends inside a " + what);
        }
        skipFully(padOf(size));
        return data;
    }

    static Map<String, byte[]> parsePax(byte[] data) throws TarFormatException {
        Map<String, byte[]> out = new HashMap<>();
        int pos = 0;
        while (pos < data.length) {
            int space = indexOf(data, (byte) ' ', pos);
            if (space < 0) {
                throw new TarFormatException("malformed pax record");
            }
            int len;
            try {
                len = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new TarFormatException("malformed pax record length");
            }
            int end = pos + len;
            if (len <= 0 || end > data.length || end <= space || data[end - 1] != '\n') {
                throw new TarFormatException("malformed pax record");
            }
            int eq = indexOf(data, (byte) '=', space + 1);
            if (eq < 0 || eq >= end) {
                throw new TarFormatException("malformed pax record (no '=')");
            }
            String key = new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8);
            byte[] value = java.util.Arrays.copyOfRange(data, eq + 1, end - 1);
            out.put(key, value);
            pos = end;
        }
        return out;
    }

    /** Octal (NUL/space padded) or GNU base-256 for large values. */
    static long parseNumber(byte[] h, int off, int len, String field) throws TarFormatException {
        if ((h[off] & 0x80) != 0) {
            if ((h[off] & 0x40) != 0) {
                throw new TarFormatException("negative " + field + " in tar header");
            }
            long v = h[off] & 0x3f;
            for (int i = 1; i < len; i++) {
                if ((v >>> 55) != 0) {
                    throw new TarFormatException(field + " in tar header is too large");
                }
                v = (v << 8) | (h[off + i] & 0xff);
            }
            return v;
        }
        long v = 0;
        int i = off;
        int end = off + len;
        while (i < end && (h[i] == ' ' || h[i] == 0)) {
            i++;
        }
        for (; i < end && h[i] != 0 && h[i] != ' '; i++) {
            if (h[i] < '0' || h[i] > '7') {
                throw new TarFormatException("invalid octal " + field + " in tar header");
            }
            if ((v >>> 60) != 0) {
                throw new TarFormatException(field + " in tar header is too large");
            }
            v = (v << 3) | (h[i] - '0');
        }
        return v;
    }

    private static long parseDecimal(String v, String field) throws TarFormatException {
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) {
                throw new TarFormatException("negative " + field + " in pax header");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new TarFormatException("invalid " + field + " in pax header: " + v);
        }
    }

    private void skipRest() throws IOException {
        skipFully(remaining + padding);
        remaining = 0;
        padding = 0;
    }

    /**
     * Skips by reading, never by {@code InputStream.skip}: a skip would bypass digesting streams around us
     * (a layer's diff ID covers every byte) and network streams may not support it.
     */
    private void skipFully(long n) throws IOException {
        if (eof) {
            return;
        }
        byte[] scratch = skipBuffer;
        while (n > 0) {
            int r = in.read(scratch, 0, (int) Math.min(scratch.length, n));
            if (r < 0) {
                throw new EOFException("tar archive ends inside a member's content");
            }
            n -= r;
        }
    }

    private static long padOf(long size) {
        long rem = size % TarWriter.BLOCK;
        return rem == 0 ? 0 : TarWriter.BLOCK - rem;
    }

    private static String cString(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static String cString(byte[] data) {
        return cString(data, 0, data.length);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] data, byte b, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
