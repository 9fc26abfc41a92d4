package dev.berth.oci.maker;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A complete static Linux executable, assembled here byte by byte, that writes a message to stdout and
 * exits 0. This is how the built-in {@code hello-world} image exists on a machine with no network and no
 * compiler: the program is 120 bytes of ELF headers, a handful of instructions and the text.
 */
public final class StaticHello {
    private static final long BASE = 0x400000;
    private static final int HEADERS = 64 + 56;

    private StaticHello() {}

    /** An ELF executable for {@code arch} ("amd64" or "arm64") that prints {@code message}. */
    public static byte[] elf(String arch, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        byte[] code = switch (arch) {
            case "amd64" -> amd64(text.length);
            case "arm64" -> arm64(text.length);
            default -> throw new IllegalArgumentException("no hello program for architecture " + arch);
        };
        int machine = arch.equals("amd64") ? 62 : 183;
        int total = HEADERS + code.length + text.length;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        // ELF header: 64-bit, little endian, version 1, System V ABI, static executable.
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        b.putShort((short) 2).putShort((short) machine).putInt(1);
        b.putLong(BASE + HEADERS).putLong(64).putLong(0).putInt(0);
        b.putShort((short) 64).putShort((short) 56).putShort((short) 1);
        b.putShort((short) 64).putShort((short) 0).putShort((short) 0);
        // One PT_LOAD segment, read + execute, mapping the whole file at BASE.
        b.putInt(1).putInt(5).putLong(0).putLong(BASE).putLong(BASE);
        b.putLong(total).putLong(total).putLong(0x1000);
        b.put(code).put(text);
        return b.array();
    }

    /** write(1, msg, len); exit(0) — with msg addressed relative to the instruction pointer. */
    private static byte[] amd64(int len) {
        ByteBuffer c = ByteBuffer.allocate(33).order(ByteOrder.LITTLE_ENDIAN);
        c.put(new byte[] {(byte) 0xb8, 1, 0, 0, 0});              // mov eax, 1 (write)
        c.put(new byte[] {(byte) 0xbf, 1, 0, 0, 0});              // mov edi, 1 (stdout)
        c.put(new byte[] {0x48, (byte) 0x8d, 0x35}).putInt(16);   // lea rsi, [rip+16] -> the text after the code
        c.put((byte) 0xba).putInt(len);                           // mov edx, len
        c.put(new byte[] {0x0f, 0x05});                           // syscall
        c.put(new byte[] {(byte) 0xb8, 60, 0, 0, 0});             // mov eax, 60 (exit)
        c.put(new byte[] {0x31, (byte) 0xff});                    // xor edi, edi
        c.put(new byte[] {0x0f, 0x05});                           // syscall
        return c.array();
    }

    private static byte[] arm64(int len) {
        if (len >= 1 << 16) {
            throw new IllegalArgumentException("hello message too long for one movz: " + len);
        }
        ByteBuffer c = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        c.putInt(0xd2800020);              // mov x0, #1 (stdout)
        c.putInt(0x100000e1);              // adr x1, .+28 -> the text after the 8 instructions
        c.putInt(0xd2800002 | (len << 5)); // movz x2, #len
        c.putInt(0xd2800808);              // mov x8, #64 (write)
        c.putInt(0xd4000001);              // svc #0
        c.putInt(0xd2800000);              // mov x0, #0
        c.putInt(0xd2800ba8);              // mov x8, #93 (exit)
        c.putInt(0xd4000001);              // svc #0
        return c.array();
    }
}
