package dev.berth.engine.network.dns;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds a DNS message: big-endian fields and names, compressed with pointers to earlier occurrences of the
 * same suffix (RFC 1035 §4.1.4). Names are plain host names ({@link #encodable}); a writer can be rolled
 * back to a mark, which also forgets the compression targets written after it.
 */
final class DnsWriter {
    /** Pointers hold 14 bits: names written beyond this offset cannot be pointed at. */
    private static final int MAX_POINTER_TARGET = 0x3fff;
    /** The largest message plus room for one more record, so a record that overshoots can be rolled back. */
    private static final int CAPACITY = DnsMessage.MAX_TCP_MESSAGE + 512;

    private byte[] buf = new byte[512];
    private int size;
    /** Name suffix (as written, case-sensitive) to the offset where it was written. */
    private final Map<String, Integer> suffixes = new HashMap<>();

    int size() {
        return size;
    }

    DnsWriter u8(int value) {
        ensure(1);
        buf[size++] = (byte) value;
        return this;
    }

    DnsWriter u16(int value) {
        ensure(2);
        DnsMessage.put16(buf, size, value);
        size += 2;
        return this;
    }

    DnsWriter u32(long value) {
        return u16((int) (value >>> 16) & 0xffff).u16((int) value & 0xffff);
    }

    DnsWriter bytes(byte[] b, int from, int count) {
        ensure(count);
        System.arraycopy(b, from, buf, size, count);
        size += count;
        return this;
    }

    /** Overwrites the 16-bit field at {@code at}. */
    void set16(int at, int value) {
        DnsMessage.put16(buf, at, value);
    }

    int get16(int at) {
        return DnsMessage.u16(buf, at);
    }

    /** Writes {@code name} ("" is the root), pointing at an earlier copy of its longest known suffix. */
    DnsWriter name(String name) {
        if (!name.isEmpty() && !encodable(name)) {
            throw new IllegalArgumentException("not an encodable host name: " + name);
        }
        String rest = name;
        while (!rest.isEmpty()) {
            Integer earlier = suffixes.get(rest);
            if (earlier != null) {
                return u16(0xc000 | earlier);
            }
            if (size <= MAX_POINTER_TARGET) {
                suffixes.put(rest, size);
            }
            int dot = rest.indexOf('.');
            String label = dot < 0 ? rest : rest.substring(0, dot);
            u8(label.length());
            for (int i = 0; i < label.length(); i++) {
                u8(label.charAt(i));
            }
            rest = dot < 0 ? "" : rest.substring(dot + 1);
        }
        return u8(0);
    }

    /**
     * Makes the uncompressed name already written at {@code at} (a copied question) a compression target,
     * with each of its suffixes.
     */
    void rememberName(int at) {
        byte[] written = Arrays.copyOf(buf, size);
        try {
            for (int pos = at; pos < size && buf[pos] != 0 && pos <= MAX_POINTER_TARGET; pos += (buf[pos] & 0xff) + 1) {
                StringBuilder suffix = new StringBuilder();
                DnsMessage.readName(written, pos, suffix);
                suffixes.putIfAbsent(suffix.toString(), pos);
            }
        } catch (DnsMessage.FormatException e) {
            throw new IllegalStateException("copied question is not a plain name", e);
        }
    }

    /** Everything written from now on can be undone with {@link #reset}. */
    int mark() {
        return size;
    }

    void reset(int mark) {
        size = mark;
        suffixes.values().removeIf(offset -> offset >= mark);
    }

    byte[] toBytes() {
        return Arrays.copyOf(buf, size);
    }

    /**
     * Whether {@code name} can be written: dot-separated labels of 1–63 printable ASCII characters (no
     * backslash, which marks escaped presentation text), 255 bytes at most on the wire.
     */
    static boolean encodable(String name) {
        if (name.isEmpty() || name.length() + 2 > DnsMessage.MAX_NAME) {
            return false;
        }
        int label = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.') {
                if (label == 0) {
                    return false;
                }
                label = 0;
            } else if (c <= 0x20 || c >= 0x7f || c == '\\' || ++label > DnsMessage.MAX_LABEL) {
                return false;
            }
        }
        return label > 0;
    }

    private void ensure(int more) {
        if (size + more > CAPACITY) {
            throw new IllegalStateException("dns message would exceed " + CAPACITY + " bytes");
        }
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.min(CAPACITY, Math.max(buf.length * 2, size + more)));
        }
    }
}
