package dev.berth.engine.network.dns;

import java.net.Inet4Address;

/**
 * A reply built by this server, as Docker's resolver builds them: the query's ID, opcode, RD and CD bits,
 * RA set, AA clear, the question copied verbatim (so the client's case survives), answers owned by the
 * question name, and an OPT record when the query had one. It never grows beyond the size the client
 * accepts: an answer that does not fit is left out and TC is set.
 */
final class DnsReply {
    /** The UDP payload size this server advertises in its own OPT records (the DNS flag day 2020 value). */
    static final int ADVERTISED_UDP_SIZE = 1232;
    private static final int OPT_RECORD_SIZE = 11;
    private static final int QUESTION_POINTER = 0xc000 | DnsMessage.HEADER_SIZE;

    private final DnsWriter w = new DnsWriter();
    private final DnsMessage query;
    private final int rcode;
    private final int limit;
    private final int reserved;
    private int answers;
    private boolean truncated;

    private DnsReply(DnsMessage query, int rcode, int limit) {
        this.query = query;
        this.rcode = rcode;
        this.limit = limit;
        this.reserved = query.edns != null ? OPT_RECORD_SIZE : 0;
        int flags = DnsMessage.FLAG_QR | (query.opcode() << 11) | DnsMessage.FLAG_RA | (rcode & 0xf)
                | (query.flags & (DnsMessage.FLAG_RD | DnsMessage.FLAG_CD));
        boolean echo = query.questionCount == 1; // with none or several there is nothing sensible to echo
        w.u16(query.id).u16(flags).u16(echo ? 1 : 0).u16(0).u16(0).u16(0);
        if (echo) {
            w.bytes(query.bytes, DnsMessage.HEADER_SIZE, query.questionEnd - DnsMessage.HEADER_SIZE);
            w.rememberName(DnsMessage.HEADER_SIZE);
        }
    }

    /** A reply to a parsed query with the given response code, at most {@code limit} bytes long. */
    static DnsReply to(DnsMessage query, int rcode, int limit) {
        return new DnsReply(query, rcode, limit);
    }

    /** Just an error code: for rejections and failures. */
    static byte[] error(DnsMessage query, int rcode, int limit) {
        return to(query, rcode, limit).finish();
    }

    /**
     * A header-only reply to a query that could not be parsed past its header (FORMERR, RFC 1035 §4.1.1),
     * echoing its ID and opcode; {@code packet} must hold at least the 12 header bytes.
     */
    static byte[] headerOnly(byte[] packet, int rcode) {
        int flags = DnsMessage.u16(packet, 2);
        int reply = DnsMessage.FLAG_QR | (flags & 0x7800) | (flags & DnsMessage.FLAG_RD) | DnsMessage.FLAG_RA
                | (rcode & 0xf);
        return new DnsWriter().u16(DnsMessage.u16(packet, 0)).u16(reply).u32(0).u32(0).toBytes();
    }

    /** Adds an A record for the question name; false (and TC set) if it would not fit. */
    boolean addA(Inet4Address address, int ttl) {
        int mark = startAnswer(DnsMessage.TYPE_A, ttl);
        w.u16(4).bytes(address.getAddress(), 0, 4);
        return endAnswer(mark);
    }

    /** Adds a PTR record from the question name to {@code target} (an {@link DnsWriter#encodable} name). */
    boolean addPtr(String target, int ttl) {
        int mark = startAnswer(DnsMessage.TYPE_PTR, ttl);
        int lengthAt = w.size();
        w.u16(0).name(target);
        w.set16(lengthAt, w.size() - lengthAt - 2);
        return endAnswer(mark);
    }

    private int startAnswer(int type, int ttl) {
        int mark = w.mark();
        w.u16(QUESTION_POINTER).u16(type).u16(DnsMessage.CLASS_IN).u32(ttl);
        return mark;
    }

    /** Writing may overshoot the limit by one record (the writer has room for it); then it is taken back. */
    private boolean endAnswer(int mark) {
        if (truncated || w.size() + reserved > limit) {
            w.reset(mark);
            truncated = true;
            return false;
        }
        answers++;
        return true;
    }

    /** The encoded reply: counts filled in, TC if an answer was left out, and the OPT record if due. */
    byte[] finish() {
        w.set16(6, answers);
        if (truncated) {
            w.set16(2, w.get16(2) | DnsMessage.FLAG_TC);
        }
        if (query.edns != null) {
            // root name, type OPT, our payload size, extended rcode, version 0, DO echoed (RFC 3225)
            w.u8(0).u16(DnsMessage.TYPE_OPT).u16(ADVERTISED_UDP_SIZE)
                    .u8(rcode >>> 4).u8(0).u16(query.edns.dnssecOk() ? 0x8000 : 0).u16(0);
            w.set16(10, 1);
        }
        return w.toBytes();
    }
}
