package dev.berth.engine.network;

import dev.berth.engine.errors.InvalidArgumentException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 prefix such as {@code 10.209.0.0/16}: parsing, containment, overlap and address arithmetic. */
public record Subnet(int base, int prefix) {
    public Subnet {
        if (prefix < 0 || prefix > 32) {
            throw new InvalidArgumentException("invalid prefix length /" + prefix);
        }
        base = base & mask(prefix);
    }

    /** {@code a.b.c.d/n}; Docker's error text for anything else. */
    public static Subnet parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new InvalidArgumentException("invalid CIDR address: " + cidr);
        }
        try {
            int p = Integer.parseInt(cidr.substring(slash + 1));
            return new Subnet(toInt(parseAddress(cidr.substring(0, slash))), p);
        } catch (NumberFormatException | InvalidArgumentException e) {
            throw new InvalidArgumentException("invalid CIDR address: " + cidr);
        }
    }

    /** A dotted IPv4 address (no host name lookups, ever). */
    public static Inet4Address parseAddress(String s) {
        String[] parts = s.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new InvalidArgumentException("invalid IPv4 address: " + s);
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("\\d{1,3}") || Integer.parseInt(parts[i]) > 255) {
                throw new InvalidArgumentException("invalid IPv4 address: " + s);
            }
            b[i] = (byte) Integer.parseInt(parts[i]);
        }
        return fromInt(toInt(b));
    }

    static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    public static int toInt(Inet4Address a) {
        return toInt(a.getAddress());
    }

    static int toInt(byte[] b) {
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    public static Inet4Address fromInt(int v) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16),
                    (byte) (v >>> 8), (byte) v});
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    public boolean contains(Inet4Address a) {
        return (toInt(a) & mask(prefix)) == base;
    }

    public boolean overlaps(Subnet o) {
        int p = Math.min(prefix, o.prefix);
        return (base & mask(p)) == (o.base & mask(p));
    }

    /** The n-th address of the subnet (0 is the network address). */
    public Inet4Address address(long n) {
        return fromInt((int) (base + n));
    }

    /** Number of addresses, network and broadcast included. */
    public long size() {
        return 1L << (32 - prefix);
    }

    /** The offset of {@code a} in this subnet. */
    public long offset(Inet4Address a) {
        return (toInt(a) - base) & 0xffffffffL;
    }

    @Override
    public String toString() {
        return fromInt(base).getHostAddress() + "/" + prefix;
    }
}
