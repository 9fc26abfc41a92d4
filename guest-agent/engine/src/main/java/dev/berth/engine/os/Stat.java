package dev.berth.engine.os;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/** The fields of {@code struct statx} the engine uses (statx has one layout on every architecture). */
public record Stat(int mode, long uid, long gid, long size, long ino, long nlink, long mtimeSec, int mtimeNsec,
        int rdevMajor, int rdevMinor, int devMajor, int devMinor) {

    static Stat fromStatx(MemorySegment b) {
        return new Stat(
                b.get(JAVA_SHORT, 28) & 0xffff,
                b.get(JAVA_INT, 20) & 0xffffffffL,
                b.get(JAVA_INT, 24) & 0xffffffffL,
                b.get(JAVA_LONG, 40),
                b.get(JAVA_LONG, 32),
                b.get(JAVA_INT, 16) & 0xffffffffL,
                b.get(JAVA_LONG, 112),
                b.get(JAVA_INT, 120),
                b.get(JAVA_INT, 128),
                b.get(JAVA_INT, 132),
                b.get(JAVA_INT, 136),
                b.get(JAVA_INT, 140));
    }

    public int type() {
        return mode & OpenFlags.S_IFMT;
    }

    public boolean isDirectory() {
        return type() == OpenFlags.S_IFDIR;
    }

    public boolean isSymlink() {
        return type() == OpenFlags.S_IFLNK;
    }

    public boolean isRegular() {
        return type() == OpenFlags.S_IFREG;
    }

    /** An overlayfs whiteout: a character device 0/0. */
    public boolean isWhiteout() {
        return type() == OpenFlags.S_IFCHR && rdevMajor == 0 && rdevMinor == 0;
    }
}
