package dev.berth.engine.network.dns;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A small DNS client for tests: builds queries, sends them over UDP or TCP, reads the answer records. */
final class Wire {
    private Wire() {}

    /** One resource record as a test sees it: A data as dotted quad, PTR data as a name. */
    record Rr(String name, int type, long ttl, String data) {}

    static byte[] query(int id, String name, int type) {
        return query(id, name, type, -1);
    }

    /** A recursive query; {@code ednsSize} >= 0 adds an OPT record advertising that UDP payload size. */
    static byte[] query(int id, String name, int type, int ednsSize) {
        DnsWriter w = new DnsWriter().u16(id).u16(DnsMessage.FLAG_RD).u16(1).u16(0).u16(0).u16(ednsSize >= 0 ? 1 : 0);
        w.name(name).u16(type).u16(DnsMessage.CLASS_IN);
        if (ednsSize >= 0) {
            w.u8(0).u16(DnsMessage.TYPE_OPT).u16(ednsSize).u32(0).u16(0);
        }
        return w.toBytes();
    }

    static DnsMessage udp(InetSocketAddress server, byte[] query) throws IOException {
        byte[] reply = udpRaw(server, query, 3000);
        if (reply == null) {
            throw new SocketTimeoutException("no answer from " + server);
        }
        return parse(reply);
    }

    /** Like a real stub resolver: asks again after a second of silence, three times at most. */
    static DnsMessage udpRetrying(InetSocketAddress server, byte[] query) throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            byte[] reply = udpRaw(server, query, 1000);
            if (reply != null) {
                return parse(reply);
            }
        }
        throw new SocketTimeoutException("no answer from " + server + " in three attempts");
    }

    /** The raw reply, or null if none came within {@code timeoutMillis}. */
    static byte[] udpRaw(InetSocketAddress server, byte[] query, int timeoutMillis) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(timeoutMillis);
            s.send(new DatagramPacket(query, query.length, server));
            byte[] buf = new byte[65_535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            return Arrays.copyOf(buf, p.getLength());
        }
    }

    static DnsMessage tcp(InetSocketAddress server, byte[] query) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, 3000);
            s.setSoTimeout(3000);
            s.getOutputStream().write(frame(query));
            return parse(readFrame(s.getInputStream()));
        }
    }

    static byte[] frame(byte[] message) {
        byte[] f = new byte[message.length + 2];
        DnsMessage.put16(f, 0, message.length);
        System.arraycopy(message, 0, f, 2, message.length);
        return f;
    }

    static byte[] readFrame(InputStream in) throws IOException {
        byte[] length = in.readNBytes(2);
        if (length.length < 2) {
            throw new IOException("connection closed");
        }
        byte[] m = in.readNBytes(DnsMessage.u16(length, 0));
        if (m.length < DnsMessage.u16(length, 0)) {
            throw new IOException("connection closed inside a message");
        }
        return m;
    }

    static DnsMessage parse(byte[] reply) {
        try {
            return DnsMessage.parse(reply);
        } catch (DnsMessage.FormatException e) {
            throw new AssertionError("reply does not parse: " + e.getMessage(), e);
        }
    }

    /** The answer section. */
    static List<Rr> answers(DnsMessage m) {
        List<Rr> out = new ArrayList<>();
        byte[] b = m.bytes;
        int at = m.questionEnd;
        try {
            for (int i = 0; i < m.answerCount; i++) {
                StringBuilder name = new StringBuilder();
                at = DnsMessage.readName(b, at, name);
                int type = DnsMessage.u16(b, at);
                long ttl = DnsMessage.u32(b, at + 4);
                int rdLength = DnsMessage.u16(b, at + 8);
                int rdata = at + 10;
                String data = switch (type) {
                    case DnsMessage.TYPE_A -> (b[rdata] & 0xff) + "." + (b[rdata + 1] & 0xff) + "."
                            + (b[rdata + 2] & 0xff) + "." + (b[rdata + 3] & 0xff);
                    case DnsMessage.TYPE_PTR -> {
                        StringBuilder target = new StringBuilder();
                        DnsMessage.readName(b, rdata, target);
                        yield target.toString();
                    }
                    default -> "rdlength " + rdLength;
                };
                out.add(new Rr(name.toString(), type, ttl, data));
                at = rdata + rdLength;
            }
        } catch (DnsMessage.FormatException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    static List<String> data(DnsMessage m) {
        return answers(m).stream().map(Rr::data).toList();
    }
}
