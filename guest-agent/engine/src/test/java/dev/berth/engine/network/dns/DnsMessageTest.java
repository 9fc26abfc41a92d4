package dev.berth.engine.network.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The wire format: parsing, encoding, compression, limits, EDNS0, cutting to size. */
class DnsMessageTest {

    @Test
    void queryRoundTrip() throws Exception {
        DnsMessage q = DnsMessage.parse(Wire.query(0xbeef, "Db.Example.com", DnsMessage.TYPE_AAAA));
        assertEquals(0xbeef, q.id);
        assertFalse(q.isResponse());
        assertEquals(0, q.opcode());
        assertEquals(new DnsMessage.Question("Db.Example.com", DnsMessage.TYPE_AAAA, DnsMessage.CLASS_IN), q.question);
        assertNull(q.edns);
        assertEquals(512, q.udpLimit());
        assertEquals(q.bytes.length, q.length);
    }

    @Test
    void replyRoundTripWithCompression() throws Exception {
        DnsMessage q = DnsMessage.parse(Wire.query(7, "5.0.18.172.in-addr.arpa", DnsMessage.TYPE_PTR, 4096));
        DnsReply r = DnsReply.to(q, DnsMessage.NOERROR, 4096);
        assertTrue(r.addPtr("db.arpa", 60)); // shares "arpa" with the question: must point at it
        assertTrue(r.addPtr("web.arpa", 60)); // shares "arpa" with both
        DnsMessage reply = DnsMessage.parse(r.finish());
        assertTrue(reply.isResponse());
        assertEquals(7, reply.id);
        assertEquals(q.question, reply.question);
        assertEquals(List.of(new Wire.Rr("5.0.18.172.in-addr.arpa", DnsMessage.TYPE_PTR, 60, "db.arpa"),
                new Wire.Rr("5.0.18.172.in-addr.arpa", DnsMessage.TYPE_PTR, 60, "web.arpa")), Wire.answers(reply));
        // owner names are pointers to the question (0xc00c); "arpa" is written once, in the question
        assertEquals(1, count(reply.bytes, "arpa".getBytes()));
        assertNotNull(reply.edns);
        assertEquals(DnsReply.ADVERTISED_UDP_SIZE, reply.edns.udpSize());
    }

    @Test
    void writerPointsAtTheLongestKnownSuffix() throws Exception {
        DnsWriter w = new DnsWriter().u16(0).u16(0).u32(0).u32(0);
        w.name("a.example.com").name("b.example.com").name("example.com").name("");
        byte[] b = w.toBytes();
        // 12: a.example.com (15 bytes), 27: 'b' + pointer to 14, 31: pointer to 14, 33: root
        assertArrayEquals(new byte[] {1, 'b', (byte) 0xc0, 14, (byte) 0xc0, 14, 0}, Arrays.copyOfRange(b, 27, 34));
        StringBuilder name = new StringBuilder();
        assertEquals(31, DnsMessage.readName(b, 27, name));
        assertEquals("b.example.com", name.toString());
        w.reset(27); // rolling back forgets the suffixes written after the mark
        w.name("b.example.com");
        assertEquals(31, w.size());
    }

    @Test
    void pointerLoopsAndWildPointersAreRejected() {
        // question name is a pointer to itself
        assertRejected(header(1, 0), 0xc0, 12, 0, 1, 0, 1);
        // a record whose name points forward, to a pointer that points back at it
        assertRejected(header(1, 1), 0, 0, 1, 0, 1, 0xc0, 19, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 17);
        // pointer into the header, beyond the end, and a pointer cut in half
        assertRejected(header(1, 0), 0xc0, 2, 0, 1, 0, 1);
        assertRejected(header(1, 1), 0, 0, 1, 0, 1, 0xff, 0xff, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0);
        assertRejected(header(1, 1), 0, 0, 1, 0, 1, 9, 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 0xc0);
    }

    @Test
    void backwardPointersAreFollowed() throws Exception {
        // question "a.b", answer owner = pointer to "b" at offset 14
        byte[] m = bytes(header(1, 1), 1, 'a', 1, 'b', 0, 0, 1, 0, 1,
                0xc0, 14, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 1, 2, 3, 4);
        DnsMessage parsed = DnsMessage.parse(m);
        assertEquals(List.of(new Wire.Rr("b", DnsMessage.TYPE_A, 9, "1.2.3.4")), Wire.answers(parsed));
    }

    @Test
    void everyTruncationOfAValidMessageIsRejected() throws Exception {
        DnsMessage q = DnsMessage.parse(Wire.query(1, "db.example", DnsMessage.TYPE_A, 1232));
        DnsReply r = DnsReply.to(q, DnsMessage.NOERROR, 4096);
        r.addA(address("172.18.0.2"), 60);
        r.addPtr("db.example", 60);
        byte[] full = r.finish();
        DnsMessage.parse(full);
        for (int n = 0; n < full.length; n++) {
            byte[] prefix = Arrays.copyOf(full, n);
            assertThrows(DnsMessage.FormatException.class, () -> DnsMessage.parse(prefix), "prefix of " + n);
        }
    }

    @Test
    void labelAndNameLengthLimits() throws Exception {
        String l63 = "a".repeat(63);
        assertTrue(DnsWriter.encodable(l63 + "." + l63 + "." + l63 + "." + "b".repeat(61))); // 255 on the wire
        assertFalse(DnsWriter.encodable(l63 + "." + l63 + "." + l63 + "." + "b".repeat(62)));
        assertFalse(DnsWriter.encodable("a".repeat(64)));
        assertFalse(DnsWriter.encodable("a..b"));
        assertFalse(DnsWriter.encodable("a.b."));
        assertFalse(DnsWriter.encodable("a b"));
        assertFalse(DnsWriter.encodable("a\\.b"));
        assertThrows(IllegalArgumentException.class, () -> new DnsWriter().name("a".repeat(64)));
        // on the wire: a 64-byte label has the reserved 0x40 type bits, 4 × 63 labels exceed 255 bytes
        byte[] label64 = new byte[65];
        label64[0] = 64;
        assertRejected(header(1, 0), cat(label64, new byte[] {0, 0, 1, 0, 1}));
        byte[] long4 = new byte[4 * 64 + 1];
        for (int i = 0; i < 4; i++) {
            long4[i * 64] = 63;
            Arrays.fill(long4, i * 64 + 1, i * 64 + 64, (byte) 'x');
        }
        assertRejected(header(1, 0), cat(long4, new byte[] {0, 1, 0, 1}));
        long4[3 * 64] = 61; // 3 × 63 + 61: exactly 255 bytes
        byte[] ok = cat(Arrays.copyOf(long4, 3 * 64 + 62), new byte[] {0, 0, 1, 0, 1});
        assertEquals(63 * 3 + 61 + 3, DnsMessage.parse(bytes(header(1, 0), ok)).question.name().length());
    }

    @Test
    void oddBytesInLabelsAreEscaped() throws Exception {
        byte[] m = bytes(header(1, 0), 3, 'a', '.', 'b', 2, 0x07, '\\', 0, 0, 1, 0, 1);
        assertEquals("a\\.b.\\007\\\\", DnsMessage.parse(m).question.name());
    }

    @Test
    void edns0() throws Exception {
        DnsMessage q = DnsMessage.parse(Wire.query(1, "db", DnsMessage.TYPE_A, 4096));
        assertEquals(new DnsMessage.Edns(4096, 0, false), q.edns);
        assertEquals(4096, q.udpLimit());
        assertEquals(512, DnsMessage.parse(Wire.query(1, "db", DnsMessage.TYPE_A, 100)).udpLimit());
        // version 1 and the DO bit
        byte[] v1 = Wire.query(1, "db", DnsMessage.TYPE_A, 1232);
        v1[v1.length - 5] = 1;
        v1[v1.length - 4] = (byte) 0x80;
        assertEquals(new DnsMessage.Edns(1232, 1, true), DnsMessage.parse(v1).edns);
        // OPT in the answer section, twice, or with a name
        byte[] opt = {0, 0, 41, 4, (byte) 0xd0, 0, 0, 0, 0, 0, 0};
        byte[] question = {2, 'd', 'b', 0, 0, 1, 0, 1};
        assertRejected(header(1, 1), cat(question, opt));
        assertRejected(header(1, 0, 0, 2), cat(question, cat(opt, opt)));
        byte[] namedOpt = {1, 'x', 0, 0, 41, 4, (byte) 0xd0, 0, 0, 0, 0, 0, 0};
        assertRejected(header(1, 0, 0, 1), cat(question, namedOpt));
        DnsMessage reply = DnsMessage.parse(DnsReply.error(DnsMessage.parse(v1), DnsMessage.BADVERS, 512));
        assertEquals(0, reply.rcode()); // BADVERS = 16: the low bits in the header, the high ones in the OPT
        assertEquals(1, reply.bytes[reply.length - 6]);
    }

    @Test
    void countsBeyondTheMessageAreRejectedBeforeAnyWork() {
        assertRejected(header(1, 0xffff));
        assertRejected(header(0xffff, 0));
        assertThrows(DnsMessage.FormatException.class, () -> DnsMessage.parse(new byte[5]));
    }

    @Test
    void fitCutsAtRecordBoundariesKeepsOptAndSetsTc() throws Exception {
        DnsMessage q = DnsMessage.parse(Wire.query(9, "many", DnsMessage.TYPE_A, 4096));
        DnsReply r = DnsReply.to(q, DnsMessage.NOERROR, 65_535);
        for (int i = 0; i < 100; i++) {
            r.addA(address("10.0.0." + i), 60);
        }
        DnsMessage full = DnsMessage.parse(r.finish());
        assertArrayEquals(Arrays.copyOf(full.bytes, full.length), full.fit(65_535));
        DnsMessage cut = DnsMessage.parse(full.fit(512));
        assertTrue(cut.length <= 512);
        assertTrue(cut.truncated());
        assertEquals((512 - 12 - 10 - 11) / 16, cut.answerCount);
        assertEquals(Wire.answers(full).subList(0, cut.answerCount), Wire.answers(cut));
        assertNotNull(cut.edns);
    }

    @Test
    void replyLeavesOutWhatDoesNotFit() throws Exception {
        DnsMessage q = DnsMessage.parse(Wire.query(9, "many", DnsMessage.TYPE_A));
        DnsReply r = DnsReply.to(q, DnsMessage.NOERROR, 512);
        int added = 0;
        for (int i = 0; i < 100; i++) {
            added += r.addA(address("10.0.0." + i), 60) ? 1 : 0;
        }
        byte[] bytes = r.finish();
        assertTrue(bytes.length <= 512);
        DnsMessage reply = DnsMessage.parse(bytes);
        assertTrue(reply.truncated());
        assertEquals(added, reply.answerCount);
        assertEquals((512 - 12 - 10) / 16, added);
    }

    @Test
    void headerOnlyFormErr() throws Exception {
        byte[] garbage = bytes(header(1, 0), 0xc0);
        garbage[0] = 0x12;
        garbage[1] = 0x34;
        garbage[2] = 0x01; // RD
        DnsMessage reply = DnsMessage.parse(DnsReply.headerOnly(garbage, DnsMessage.FORMERR));
        assertEquals(0x1234, reply.id);
        assertTrue(reply.isResponse());
        assertEquals(DnsMessage.FORMERR, reply.rcode());
        assertEquals(0, reply.questionCount);
    }

    @Test
    void reverseNames() {
        assertEquals(address("172.18.0.5"), LocalAnswers.parseReverse("5.0.18.172"));
        assertNull(LocalAnswers.parseReverse("0.18.172"));
        assertNull(LocalAnswers.parseReverse("256.0.18.172"));
        assertNull(LocalAnswers.parseReverse("a.0.18.172"));
        assertNull(LocalAnswers.parseReverse("5.0..172"));
        assertNull(LocalAnswers.parseReverse("5.0.18.172.1"));
    }

    /** Random corruption of valid messages: a FormatException or a message, never anything else. */
    @Test
    void corruptedMessagesNeverThrowAnythingElse() throws Exception {
        DnsMessage q = DnsMessage.parse(Wire.query(3, "db.example.com", DnsMessage.TYPE_A, 1232));
        DnsReply r = DnsReply.to(q, DnsMessage.NOERROR, 4096);
        r.addA(address("172.18.0.2"), 60);
        r.addPtr("db.example.com", 60);
        byte[] valid = r.finish();
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] m = Arrays.copyOf(valid, random.nextInt(valid.length + 8));
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                if (m.length > 0) {
                    m[random.nextInt(m.length)] = (byte) random.nextInt(256);
                }
            }
            try {
                DnsMessage parsed = DnsMessage.parse(m);
                assertTrue(parsed.fit(512).length <= 512);
            } catch (DnsMessage.FormatException expected) {
                // fine: rejected
            }
        }
    }

    static Inet4Address address(String dotted) {
        return (Inet4Address) InetAddress.ofLiteral(dotted);
    }

    private static int[] header(int questions, int answers) {
        return header(questions, answers, 0, 0);
    }

    private static int[] header(int questions, int answers, int authority, int additional) {
        return new int[] {0, 1, 0, 0, questions >> 8, questions & 0xff, answers >> 8, answers & 0xff,
            authority >> 8, authority & 0xff, additional >> 8, additional & 0xff};
    }

    private static void assertRejected(int[] header, int... rest) {
        byte[] m = bytes(header, rest);
        assertThrows(DnsMessage.FormatException.class, () -> DnsMessage.parse(m));
    }

    private static void assertRejected(int[] header, byte[] rest) {
        byte[] m = bytes(header, rest);
        assertThrows(DnsMessage.FormatException.class, () -> DnsMessage.parse(m));
    }

    private static byte[] bytes(int[] header, int... rest) {
        byte[] b = new byte[header.length + rest.length];
        for (int i = 0; i < header.length; i++) {
            b[i] = (byte) header[i];
        }
        for (int i = 0; i < rest.length; i++) {
            b[header.length + i] = (byte) rest[i];
        }
        return b;
    }

    private static byte[] bytes(int[] header, byte[] rest) {
        return cat(bytes(header), rest);
    }

    private static byte[] cat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static int count(byte[] haystack, byte[] needle) {
        int n = 0;
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                n++;
            }
        }
        return n;
    }
}
