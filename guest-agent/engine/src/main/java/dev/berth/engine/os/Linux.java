package dev.berth.engine.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw Linux system calls through the Foreign Function API, for what the JDK cannot do: resolve paths
 * inside a root ({@code openat2} with {@code RESOLVE_IN_ROOT}), create device nodes, set ownership and
 * binary extended attributes, mount. Each method throws {@link ErrnoException} naming the call and path.
 * Callers work with file descriptors, never with path strings re-resolved later, so symlink swaps cannot
 * redirect them (the CVE-2018-15664 class).
 */
public final class Linux {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final MemoryLayout CCS = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CCS.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final long SYS_OPENAT2 = 437; // the same number on every architecture

    private static final MethodHandle OPENAT = fn("openat", 3, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle SYSCALL4 = fn("syscall", 1, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
    private static final MethodHandle MKDIRAT = fn("mkdirat", -1, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle MKNODAT = fn("mknodat", -1, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG);
    private static final MethodHandle SYMLINKAT = fn("symlinkat", -1, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
    private static final MethodHandle LINKAT = fn("linkat", -1, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle UNLINKAT = fn("unlinkat", -1, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle RENAMEAT2 = fn("renameat2", -1, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle FCHOWNAT = fn("fchownat", -1, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle FCHMOD = fn("fchmod", -1, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle UTIMENSAT = fn("utimensat", -1, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    private static final MethodHandle FSETXATTR = fn("fsetxattr", -1, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle LSETXATTR = fn("lsetxattr", -1, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle LGETXATTR = fn("lgetxattr", -1, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG);
    private static final MethodHandle LLISTXATTR = fn("llistxattr", -1, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
    private static final MethodHandle READLINKAT = fn("readlinkat", -1, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG);
    private static final MethodHandle WRITE = fn("write", -1, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle READ = fn("read", -1, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle CLOSE = fn("close", -1, JAVA_INT, JAVA_INT);
    private static final MethodHandle FSYNC = fn("fsync", -1, JAVA_INT, JAVA_INT);
    private static final MethodHandle SYNCFS = fn("syncfs", -1, JAVA_INT, JAVA_INT);
    private static final MethodHandle MOUNT = fn("mount", -1, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    private static final MethodHandle UMOUNT2 = fn("umount2", -1, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle KILL = fn("kill", -1, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle STATX = fn("statx", -1, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);

    private Linux() {}

    /** One native call: gets an arena for its arguments and the errno capture segment; returns the raw result. */
    @FunctionalInterface
    private interface Call {
        long invoke(Arena arena, MemorySegment state) throws Throwable;
    }

    /** Runs a call; a negative result becomes an {@link ErrnoException} naming {@code call} and {@code path}. */
    private static long run(String call, String path, Call c) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CCS);
            long rc = c.invoke(a, st);
            if (rc < 0) {
                throw new ErrnoException(call, path, (int) ERRNO.get(st, 0L));
            }
            return rc;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native call " + call + " failed", t);
        }
    }

    /** A handle with errno capture; {@code variadicFrom} >= 0 marks C varargs (openat's mode, syscall's args). */
    private static MethodHandle fn(String name, int variadicFrom, MemoryLayout ret, MemoryLayout... args) {
        MemorySegment addr = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        Linker.Option capture = Linker.Option.captureCallState("errno");
        Linker.Option[] opts = variadicFrom >= 0
                ? new Linker.Option[] {capture, Linker.Option.firstVariadicArg(variadicFrom)}
                : new Linker.Option[] {capture};
        return LINKER.downcallHandle(addr, FunctionDescriptor.of(ret, args), opts);
    }

    private static MemorySegment str(Arena a, String s) {
        return s == null ? MemorySegment.NULL : a.allocateFrom(s, StandardCharsets.UTF_8);
    }

    /** openat2(dirfd, path, {flags, mode, resolve}): the path is resolved according to {@code resolve}. */
    public static int openat2(int dirfd, String path, int flags, int mode, long resolve) throws ErrnoException {
        return (int) run("openat2", path, (a, st) -> {
            MemorySegment how = a.allocate(24);
            how.set(JAVA_LONG, 0, flags & 0xffffffffL);
            how.set(JAVA_LONG, 8, mode);
            how.set(JAVA_LONG, 16, resolve);
            return (long) SYSCALL4.invokeExact(st, SYS_OPENAT2, (long) dirfd, str(a, path), how, 24L);
        });
    }

    public static int openat(int dirfd, String path, int flags, int mode) throws ErrnoException {
        return (int) run("openat", path, (a, st) -> (int) OPENAT.invokeExact(st, dirfd, str(a, path), flags, mode));
    }

    public static void mkdirat(int dirfd, String path, int mode) throws ErrnoException {
        run("mkdirat", path, (a, st) -> (int) MKDIRAT.invokeExact(st, dirfd, str(a, path), mode));
    }

    public static void mknodat(int dirfd, String path, int mode, int major, int minor) throws ErrnoException {
        // glibc's makedev encoding of dev_t
        long dev = ((long) (major & 0xfffff000) << 32) | ((major & 0xfffL) << 8)
                | ((long) (minor & 0xffffff00) << 12) | (minor & 0xffL);
        run("mknodat", path, (a, st) -> (int) MKNODAT.invokeExact(st, dirfd, str(a, path), mode, dev));
    }

    public static void symlinkat(String target, int dirfd, String path) throws ErrnoException {
        run("symlinkat", path, (a, st) -> (int) SYMLINKAT.invokeExact(st, str(a, target), dirfd, str(a, path)));
    }

    public static void linkat(int oldDir, String oldPath, int newDir, String newPath, int flags) throws ErrnoException {
        run("linkat", newPath,
                (a, st) -> (int) LINKAT.invokeExact(st, oldDir, str(a, oldPath), newDir, str(a, newPath), flags));
    }

    public static void unlinkat(int dirfd, String path, int flags) throws ErrnoException {
        run("unlinkat", path, (a, st) -> (int) UNLINKAT.invokeExact(st, dirfd, str(a, path), flags));
    }

    public static void renameat2(int oldDir, String oldPath, int newDir, String newPath, int flags)
            throws ErrnoException {
        run("renameat2", newPath,
                (a, st) -> (int) RENAMEAT2.invokeExact(st, oldDir, str(a, oldPath), newDir, str(a, newPath), flags));
    }

    public static void fchownat(int dirfd, String path, long uid, long gid, int flags) throws ErrnoException {
        run("fchownat", path,
                (a, st) -> (int) FCHOWNAT.invokeExact(st, dirfd, str(a, path), (int) uid, (int) gid, flags));
    }

    public static void fchmod(int fd, int mode, String pathForErrors) throws ErrnoException {
        run("fchmod", pathForErrors, (a, st) -> (int) FCHMOD.invokeExact(st, fd, mode));
    }

    /** Sets access and modification times without following a final symlink when flags say so. */
    public static void utimensat(int dirfd, String path, long sec, long nsec, int flags) throws ErrnoException {
        run("utimensat", path, (a, st) -> {
            MemorySegment times = a.allocate(32);
            times.set(JAVA_LONG, 0, sec);
            times.set(JAVA_LONG, 8, nsec);
            times.set(JAVA_LONG, 16, sec);
            times.set(JAVA_LONG, 24, nsec);
            return (int) UTIMENSAT.invokeExact(st, dirfd, str(a, path), times, flags);
        });
    }

    public static void fsetxattr(int fd, String name, byte[] value, String pathForErrors) throws ErrnoException {
        run("fsetxattr " + name, pathForErrors, (a, st) -> (int) FSETXATTR.invokeExact(st, fd, str(a, name),
                a.allocateFrom(JAVA_BYTE, value), (long) value.length, 0));
    }

    public static void lsetxattr(String path, String name, byte[] value) throws ErrnoException {
        run("lsetxattr " + name, path, (a, st) -> (int) LSETXATTR.invokeExact(st, str(a, path), str(a, name),
                a.allocateFrom(JAVA_BYTE, value), (long) value.length, 0));
    }

    /** The attribute's bytes, or null if the file does not have it. */
    public static byte[] lgetxattr(String path, String name) throws ErrnoException {
        byte[][] out = new byte[1][];
        try {
            run("lgetxattr " + name, path, (a, st) -> {
                MemorySegment buf = a.allocate(65536);
                long n = (long) LGETXATTR.invokeExact(st, str(a, path), str(a, name), buf, 65536L);
                if (n >= 0) {
                    out[0] = buf.asSlice(0, n).toArray(JAVA_BYTE);
                }
                return n;
            });
        } catch (ErrnoException e) {
            if (e.is(Errno.ENODATA)) {
                return null;
            }
            throw e;
        }
        return out[0];
    }

    public static List<String> llistxattr(String path) throws ErrnoException {
        List<String> names = new ArrayList<>();
        run("llistxattr", path, (a, st) -> {
            MemorySegment buf = a.allocate(65536);
            long n = (long) LLISTXATTR.invokeExact(st, str(a, path), buf, 65536L);
            if (n > 0) {
                for (String s : new String(buf.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8).split("\0")) {
                    if (!s.isEmpty()) {
                        names.add(s);
                    }
                }
            }
            return n;
        });
        return names;
    }

    public static String readlinkat(int dirfd, String path) throws ErrnoException {
        String[] out = new String[1];
        run("readlinkat", path, (a, st) -> {
            MemorySegment buf = a.allocate(4096);
            long n = (long) READLINKAT.invokeExact(st, dirfd, str(a, path), buf, 4096L);
            if (n >= 0) {
                out[0] = new String(buf.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
            }
            return n;
        });
        return out[0];
    }

    /** Writes all {@code len} bytes of a native buffer, retrying short and interrupted writes. */
    public static void writeFully(int fd, MemorySegment buf, long len, String pathForErrors) throws ErrnoException {
        long done = 0;
        while (done < len) {
            long off = done;
            try {
                done += run("write", pathForErrors,
                        (a, st) -> (long) WRITE.invokeExact(st, fd, buf.asSlice(off), len - off));
            } catch (ErrnoException e) {
                if (!e.is(Errno.EINTR)) {
                    throw e;
                }
            }
        }
    }

    /** Reads up to {@code len} bytes into a native buffer; returns 0 at end of file. */
    public static long read(int fd, MemorySegment buf, long len, String pathForErrors) throws ErrnoException {
        while (true) {
            try {
                return run("read", pathForErrors, (a, st) -> (long) READ.invokeExact(st, fd, buf, len));
            } catch (ErrnoException e) {
                if (!e.is(Errno.EINTR)) {
                    throw e;
                }
            }
        }
    }

    /** Closes a descriptor; errors are not actionable at that point and are ignored. */
    public static void close(int fd) {
        try {
            run("close", "fd " + fd, (a, st) -> (int) CLOSE.invokeExact(st, fd));
        } catch (ErrnoException ignored) {
            // EBADF/EINTR after close: the descriptor is gone either way
        }
    }

    public static void fsync(int fd, String pathForErrors) throws ErrnoException {
        run("fsync", pathForErrors, (a, st) -> (int) FSYNC.invokeExact(st, fd));
    }

    /** Flushes the whole filesystem holding {@code fd}: one call instead of an fsync per file. */
    public static void syncfs(int fd, String pathForErrors) throws ErrnoException {
        run("syncfs", pathForErrors, (a, st) -> (int) SYNCFS.invokeExact(st, fd));
    }

    public static void mount(String source, String target, String fstype, long flags, String data)
            throws ErrnoException {
        run("mount", target, (a, st) -> (int) MOUNT.invokeExact(st, str(a, source), str(a, target), str(a, fstype),
                flags, str(a, data)));
    }

    public static void umount2(String target, int flags) throws ErrnoException {
        run("umount2", target, (a, st) -> (int) UMOUNT2.invokeExact(st, str(a, target), flags));
    }

    /** Sends {@code signal} to {@code pid}; ESRCH (gone already) is an {@link ErrnoException} for the caller. */
    /**
     * kill(2) of one process. Pids below 1 are refused: kill(0) would signal the engine's own process group
     * and kill(-1) every process on the machine, so a container state without a pid must never get here.
     */
    public static void kill(long pid, int signal) throws ErrnoException {
        if (pid < 1 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("refusing to signal pid " + pid + ": not a single process");
        }
        run("kill", "pid " + pid, (a, st) -> (int) KILL.invokeExact(st, (int) pid, signal));
    }

    /** statx without following a final symlink; {@code path} "" with AT_EMPTY_PATH stats the fd itself. */
    public static Stat statx(int dirfd, String path, int flags) throws ErrnoException {
        Stat[] out = new Stat[1];
        run("statx", path, (a, st) -> {
            MemorySegment buf = a.allocate(256);
            int rc = (int) STATX.invokeExact(st, dirfd, str(a, path), flags | OpenFlags.AT_SYMLINK_NOFOLLOW, 0x7ff, buf);
            if (rc >= 0) {
                out[0] = Stat.fromStatx(buf);
            }
            return rc;
        });
        return out[0];
    }
}
