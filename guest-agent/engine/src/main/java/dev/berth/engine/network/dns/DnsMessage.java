package dev.berth.engine.network.dns;

import java.util.Arrays;

/**
 * A parsed DNS message (RFC 1035 §4), read only as far as the server needs: the header, the question,
 * where each resource record ends (so answers can be cut at record boundaries) and the EDNS0 OPT record
 * (RFC 6891). Every read is bounds-checked; anything malformed is a {@link FormatException}, never another
 * exception. Compression pointers must point strictly backwards, which rules out loops.
 */
final class DnsMessage {
    static final int HEADER_SIZE = 12;
    static final int MAX_NAME = 255;
    static final int MAX_LABEL = 63;
    static final int MAX_UDP_PAYLOAD = 65_507;
    static final int MAX_TCP_MESSAGE = 65_535;
    /** What a UDP client without EDNS0 accepts (RFC 1035 §2.3.4). */
    static final int CLASSIC_UDP_SIZE = 512;

    static final int TYPE_A = 1;
    static final int TYPE_PTR = 12;
    static final int TYPE_AAAA = 28;
    static final int TYPE_OPT = 41;
    static final int TYPE_ANY = 255;
    static final int CLASS_IN = 1;

    static final int NOERROR = 0;
    static final int FORMERR = 1;
    static final int SERVFAIL = 2;
    static final int NXDOMAIN = 3;
    static final int NOTIMP = 4;
    static final int REFUSED = 5;
    static final int BADVERS = 16;

    static final int FLAG_QR = 0x8000;
    static final int FLAG_TC = 0x0200;
    static final int FLAG_RD = 0x0100;
    static final int FLAG_RA = 0x0080;
    static final int FLAG_CD = 0x0010;

    /**
     * A question. {@code name} is in presentation form without the trailing dot ("" for the root), in the
     * sender's case; a dot, a backslash or a byte outside printable ASCII inside a label is escaped as
     * {@code \.}, {@code \\} or {@code \DDD}, so the text is unambiguous.
     */
    record Question(String name, int type, int qclass) {}

    /** The OPT pseudo-record: the sender's UDP payload size, its EDNS version and the DO bit. */
    record Edns(int udpSize, int version, boolean dnssecOk) {}

    /** A message that breaks the wire format; the text says where. */
    static final class FormatException extends Exception {
        FormatException(String message) {
            super(message, null, false, false);
        }
    }

    final byte[] bytes;
    /** Where the message ends: bytes after the last record are ignored. */
    final int length;
    final int id;
    final int flags;
    final int questionCount;
    final int answerCount;
    final int authorityCount;
    final int additionalCount;
    /** The first question, or null when there is none. */
    final Question question;
    final int questionEnd;
    /** End offset of each record: answers, then authority, then additional records. */
    private final int[] recordEnds;
    /** Index of the OPT record in {@link #recordEnds}, or -1. */
    private final int optIndex;
    final Edns edns;

    private DnsMessage(byte[] b) throws FormatException {
        if (b.length < HEADER_SIZE) {
            throw new FormatException("message of " + b.length + " bytes is shorter than the header");
        }
        bytes = b;
        id = u16(b, 0);
        flags = u16(b, 2);
        questionCount = u16(b, 4);
        answerCount = u16(b, 6);
        authorityCount = u16(b, 8);
        additionalCount = u16(b, 10);
        int records = answerCount + authorityCount + additionalCount;
        // a question takes at least 5 bytes and a record 11: refuse counts the bytes cannot hold
        if ((long) questionCount * 5 + (long) records * 11 > b.length - HEADER_SIZE) {
            throw new FormatException("counts in the header exceed the message length " + b.length);
        }
        int at = HEADER_SIZE;
        Question first = null;
        for (int i = 0; i < questionCount; i++) {
            StringBuilder name = i == 0 ? new StringBuilder() : null;
            at = readName(b, at, name);
            need(b, at, 4);
            if (i == 0) {
                first = new Question(name.toString(), u16(b, at), u16(b, at + 2));
            }
            at += 4;
        }
        question = first;
        questionEnd = at;
        recordEnds = new int[records];
        int opt = -1;
        Edns found = null;
        for (int i = 0; i < records; i++) {
            int nameAt = at;
            at = readName(b, at, null);
            need(b, at, 10);
            int type = u16(b, at);
            int rdLength = u16(b, at + 8);
            need(b, at + 10, rdLength);
            if (type == TYPE_OPT) {
                if (i < answerCount + authorityCount || found != null || b[nameAt] != 0) {
                    throw new FormatException("misplaced, repeated or named OPT record at offset " + nameAt);
                }
                long ttl = u32(b, at + 4);
                found = new Edns(u16(b, at + 2), (int) (ttl >>> 16) & 0xff, (ttl & 0x8000) != 0);
                opt = i;
            }
            at += 10 + rdLength;
            recordEnds[i] = at;
        }
        optIndex = opt;
        edns = found;
        length = at;
    }

    /** Parses {@code message}, which the new object keeps (callers hand over a copy). */
    static DnsMessage parse(byte[] message) throws FormatException {
        return new DnsMessage(message);
    }

    boolean isResponse() {
        return (flags & FLAG_QR) != 0;
    }

    int opcode() {
        return (flags >>> 11) & 0xf;
    }

    /** The header's 4-bit response code (without EDNS0's extension). */
    int rcode() {
        return flags & 0xf;
    }

    boolean truncated() {
        return (flags & FLAG_TC) != 0;
    }

    /** The largest UDP response this query's sender accepts: 512 bytes, or its EDNS0 size if larger. */
    int udpLimit() {
        return edns == null ? CLASSIC_UDP_SIZE : Math.clamp(edns.udpSize(), CLASSIC_UDP_SIZE, MAX_UDP_PAYLOAD);
    }

    /**
     * This message cut to at most {@code limit} bytes at a record boundary: as many whole records as fit,
     * keeping the OPT record, the counts adjusted and TC set if an answer or authority record was left out
     * (RFC 2181 §9). Compression pointers only point backwards, so the kept prefix stays valid.
     */
    byte[] fit(int limit) {
        if (length <= limit) {
            return Arrays.copyOf(bytes, length);
        }
        int optStart = optIndex < 0 ? 0 : recordStart(optIndex);
        int optLength = optIndex < 0 ? 0 : recordEnds[optIndex] - optStart;
        int candidates = optIndex < 0 ? recordEnds.length : optIndex;
        int kept = 0;
        int end = questionEnd;
        while (kept < candidates && recordEnds[kept] + optLength <= limit) {
            end = recordEnds[kept++];
        }
        if (end + optLength > limit) {
            optLength = 0;
        }
        int questions = questionCount;
        if (end > limit) { // cannot happen with one question and limit >= 512; stay correct anyway
            end = HEADER_SIZE;
            questions = 0;
        }
        byte[] out = new byte[end + optLength];
        System.arraycopy(bytes, 0, out, 0, end);
        System.arraycopy(bytes, optStart, out, end, optLength);
        int answers = Math.min(kept, answerCount);
        int authority = Math.min(kept - answers, authorityCount);
        int additional = kept - answers - authority + (optLength > 0 ? 1 : 0);
        boolean dropped = answers < answerCount || authority < authorityCount;
        put16(out, 2, dropped ? flags | FLAG_TC : flags);
        put16(out, 4, questions);
        put16(out, 6, answers);
        put16(out, 8, authority);
        put16(out, 10, additional);
        return out;
    }

    private int recordStart(int index) {
        return index == 0 ? questionEnd : recordEnds[index - 1];
    }

    /**
     * Reads the name at {@code at}, appending its presentation form to {@code out} (if not null), and
     * returns the offset just after it where it starts (after the first pointer, if it is compressed).
     */
    static int readName(byte[] b, int at, StringBuilder out) throws FormatException {
        int pos = at;
        int end = -1;
        int floor = at; // a pointer must point below where the current run of labels began
        int wireLength = 1;
        while (true) {
            need(b, pos, 1);
            int n = b[pos] & 0xff;
            if (n == 0) {
                return end < 0 ? pos + 1 : end;
            }
            switch (n & 0xc0) {
                case 0xc0 -> {
                    need(b, pos, 2);
                    int target = ((n & 0x3f) << 8) | (b[pos + 1] & 0xff);
                    if (target >= floor || target < HEADER_SIZE) {
                        throw new FormatException("compression pointer at offset " + pos + " to " + target
                                + " does not point backwards into the message");
                    }
                    if (end < 0) {
                        end = pos + 2;
                    }
                    pos = floor = target;
                }
                case 0x00 -> {
                    need(b, pos + 1, n);
                    wireLength += n + 1;
                    if (wireLength > MAX_NAME) {
                        throw new FormatException("name at offset " + at + " is longer than 255 bytes");
                    }
                    if (out != null) {
                        appendLabel(out, b, pos + 1, n);
                    }
                    pos += n + 1;
                }
                default -> throw new FormatException("unsupported label type 0x" + Integer.toHexString(n)
                        + " at offset " + pos);
            }
        }
    }

    private static void appendLabel(StringBuilder out, byte[] b, int from, int n) {
        if (!out.isEmpty()) {
            out.append('.');
        }
        for (int i = from; i < from + n; i++) {
            int c = b[i] & 0xff;
            if (c == '.' || c == '\\') {
                out.append('\\').append((char) c);
            } else if (c <= 0x20 || c >= 0x7f) {
                out.append('\\').append((char) ('0' + c / 100)).append((char) ('0' + c / 10 % 10))
                        .append((char) ('0' + c % 10));
            } else {
                out.append((char) c);
            }
        }
    }

    private static void need(byte[] b, int at, int count) throws FormatException {
        if (at + count > b.length) {
            throw new FormatException("message of " + b.length + " bytes ends inside a field at offset " + at);
        }
    }

    static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    static long u32(byte[] b, int at) {
        return ((long) u16(b, at) << 16) | u16(b, at + 2);
    }

    static void put16(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 8);
        b[at + 1] = (byte) value;
    }
}
