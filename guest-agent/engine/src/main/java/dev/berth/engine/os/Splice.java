package dev.berth.engine.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * TCP sockets by descriptor and splice(2) through pipes, for the userland port proxy: the JDK offers no
 * legitimate way to reach a {@code SocketChannel}'s descriptor, and splice moves bytes socket → pipe →
 * socket inside the kernel (what Go's io.Copy does for docker-proxy). Every call here may block: call them
 * from platform threads, never from virtual threads (a native call pins its carrier). Failures are
 * {@link ErrnoException}s naming the call and the address.
 */
public final class Splice {
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;
    public static final int EPIPE = 32;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ECONNRESET = 104;
    public static final int ENOTCONN = 107;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EINPROGRESS = 115;

    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int O_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    private static final int SO_ERROR = 4;
    private static final int SO_LINGER = 13;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int O_NONBLOCK = 0x800;
    private static final int F_SETPIPE_SZ = 1031;
    private static final int SPLICE_F_MOVE = 1;
    private static final short POLLOUT = 4;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemoryLayout CCS = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CCS.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle SOCKET = fn("socket", -1, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle SETSOCKOPT = fn("setsockopt", -1, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle GETSOCKOPT = fn("getsockopt", -1, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle BIND = fn("bind", -1, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle LISTEN = fn("listen", -1, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle ACCEPT4 = fn("accept4", -1, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    private static final MethodHandle CONNECT = fn("connect", -1, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle GETSOCKNAME = fn("getsockname", -1, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle SHUTDOWN = fn("shutdown", -1, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle POLL = fn("poll", -1, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle FCNTL = fn("fcntl", 2, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle PIPE2 = fn("pipe2", -1, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SPLICE = fn("splice", -1, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);

    private Splice() {}

    @FunctionalInterface
    private interface Call {
        long invoke(Arena arena, MemorySegment state) throws Throwable;
    }

    /** Runs one call, retrying EINTR; a negative result becomes an {@link ErrnoException}. */
    private static long run(String call, String what, Call c) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CCS);
            while (true) {
                long rc = c.invoke(a, st);
                if (rc >= 0) {
                    return rc;
                }
                int errno = (int) ERRNO.get(st, 0L);
                if (errno != Errno.EINTR) {
                    throw new ErrnoException(call, what, errno);
                }
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native call " + call + " failed", t);
        }
    }

    private static MethodHandle fn(String name, int variadicFrom, MemoryLayout ret, MemoryLayout... args) {
        MemorySegment addr = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        Linker.Option capture = Linker.Option.captureCallState("errno");
        Linker.Option[] opts = variadicFrom >= 0
                ? new Linker.Option[] {capture, Linker.Option.firstVariadicArg(variadicFrom)}
                : new Linker.Option[] {capture};
        return LINKER.downcallHandle(addr, FunctionDescriptor.of(ret, args), opts);
    }

    /**
     * A blocking, close-on-exec TCP socket of {@code family} with Nagle off (a relay must not add delay).
     * For AF_INET6, {@code v6Only} false makes it dual-stack: bound to {@code ::} it also takes IPv4.
     */
    public static int tcpSocket(int family, boolean v6Only) throws ErrnoException {
        int fd = (int) run("socket", family == AF_INET6 ? "inet6" : "inet",
                (a, st) -> (int) SOCKET.invokeExact(st, family, SOCK_STREAM | SOCK_CLOEXEC, 0));
        try {
            if (family == AF_INET6) {
                setInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, v6Only ? 1 : 0);
            }
            setInt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
            return fd;
        } catch (ErrnoException e) {
            Linux.close(fd);
            throw e;
        }
    }

    /** Binds and listens; SO_REUSEADDR so a port left in TIME_WAIT by an earlier proxy can be bound again. */
    public static void listen(int fd, InetSocketAddress addr, int backlog) throws ErrnoException {
        setInt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
        run("bind", addr.toString(), (a, st) -> (int) BIND.invokeExact(st, fd, sockaddr(a, addr), 28));
        run("listen", addr.toString(), (a, st) -> (int) LISTEN.invokeExact(st, fd, backlog));
    }

    /**
     * The next connection, blocking, close-on-exec, Nagle off. Fails with EINVAL once the listener is shut
     * down, which is how another thread stops an accept loop.
     */
    public static int accept(int fd) throws ErrnoException {
        int conn = (int) run("accept4", "fd " + fd, (a, st) ->
                (int) ACCEPT4.invokeExact(st, fd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC));
        try {
            setInt(conn, IPPROTO_TCP, TCP_NODELAY, 1);
        } catch (ErrnoException e) {
            // the peer may already be gone; the relay finds out on its first splice
        }
        return conn;
    }

    /**
     * Starts a connect without blocking: true if it completed at once, false if it is in progress (wait
     * with {@link #pollWritable}, then read {@link #socketError}). The socket is blocking again afterwards.
     */
    public static boolean connectStart(int fd, InetSocketAddress addr) throws ErrnoException {
        int flags = (int) run("fcntl", "fd " + fd, (a, st) -> (int) FCNTL.invokeExact(st, fd, F_GETFL, 0));
        run("fcntl", "fd " + fd, (a, st) -> (int) FCNTL.invokeExact(st, fd, F_SETFL, flags | O_NONBLOCK));
        try {
            run("connect", addr.toString(), (a, st) -> (int) CONNECT.invokeExact(st, fd, sockaddr(a, addr), 28));
            return true;
        } catch (ErrnoException e) {
            if (e.is(EINPROGRESS)) {
                return false;
            }
            throw e;
        } finally {
            run("fcntl", "fd " + fd, (a, st) -> (int) FCNTL.invokeExact(st, fd, F_SETFL, flags & ~O_NONBLOCK));
        }
    }

    /** Waits up to {@code millis} for {@code fd} to become writable (a connect finished); false on timeout. */
    public static boolean pollWritable(int fd, int millis) throws ErrnoException {
        return run("poll", "fd " + fd, (a, st) -> {
            MemorySegment pfd = a.allocate(8);
            pfd.set(JAVA_INT, 0, fd);
            pfd.set(JAVA_SHORT, 4, POLLOUT);
            return (int) POLL.invokeExact(st, pfd, 1L, millis);
        }) > 0;
    }

    /** The pending error of a socket (SO_ERROR): 0, or the errno an asynchronous connect ended with. */
    public static int socketError(int fd) throws ErrnoException {
        int[] out = new int[1];
        run("getsockopt", "fd " + fd, (a, st) -> {
            MemorySegment val = a.allocate(JAVA_INT);
            MemorySegment len = a.allocateFrom(JAVA_INT, 4);
            int rc = (int) GETSOCKOPT.invokeExact(st, fd, SOL_SOCKET, SO_ERROR, val, len);
            out[0] = val.get(JAVA_INT, 0);
            return rc;
        });
        return out[0];
    }

    /** The address a socket is bound to, with the port the kernel chose for port 0. */
    public static InetSocketAddress localAddress(int fd) throws ErrnoException {
        InetSocketAddress[] out = new InetSocketAddress[1];
        run("getsockname", "fd " + fd, (a, st) -> {
            MemorySegment sa = a.allocate(28);
            int rc = (int) GETSOCKNAME.invokeExact(st, fd, sa, a.allocateFrom(JAVA_INT, 28));
            if (rc == 0) {
                out[0] = fromSockaddr(sa);
            }
            return rc;
        });
        return out[0];
    }

    /** shutdown(2); a socket that is not (or no longer) connected is not an error here. */
    public static void shutdown(int fd, int how) {
        try {
            run("shutdown", "fd " + fd, (a, st) -> (int) SHUTDOWN.invokeExact(st, fd, how));
        } catch (ErrnoException e) {
            // ENOTCONN/EBADF: the peer is gone or the socket never connected; nothing left to stop
        }
    }

    /** Makes the next close send a reset instead of a FIN, passing a peer's reset on to the other side. */
    public static void resetOnClose(int fd) {
        try {
            run("setsockopt", "fd " + fd, (a, st) -> {
                MemorySegment linger = a.allocate(8);
                linger.set(JAVA_INT, 0, 1);
                linger.set(JAVA_INT, 4, 0);
                return (int) SETSOCKOPT.invokeExact(st, fd, SOL_SOCKET, SO_LINGER, linger, 8);
            });
        } catch (ErrnoException e) {
            // a plain close still ends the connection
        }
    }

    /** A close-on-exec pipe {read, write} grown to {@code size} bytes (the kernel may cap or round it). */
    public static int[] pipe(int size) throws ErrnoException {
        int[] fds = new int[2];
        run("pipe2", "pipe", (a, st) -> {
            MemorySegment p = a.allocate(JAVA_INT, 2);
            int rc = (int) PIPE2.invokeExact(st, p, O_CLOEXEC);
            fds[0] = p.get(JAVA_INT, 0);
            fds[1] = p.get(JAVA_INT, 4);
            return rc;
        });
        try {
            run("fcntl", "pipe", (a, st) -> (int) FCNTL.invokeExact(st, fds[1], F_SETPIPE_SZ, size));
        } catch (ErrnoException e) {
            // EPERM above /proc/sys/fs/pipe-max-size for unprivileged users: the default 64 KiB still works
        }
        return fds;
    }

    /** Moves up to {@code len} bytes from {@code in} to {@code out}, one of them a pipe; 0 at end of stream. */
    public static long splice(int in, int out, long len) throws ErrnoException {
        return run("splice", "fd " + in + " to fd " + out, (a, st) -> (long) SPLICE.invokeExact(st, in,
                MemorySegment.NULL, out, MemorySegment.NULL, len, SPLICE_F_MOVE));
    }

    private static void setInt(int fd, int level, int opt, int value) throws ErrnoException {
        run("setsockopt", "fd " + fd, (a, st) ->
                (int) SETSOCKOPT.invokeExact(st, fd, level, opt, a.allocateFrom(JAVA_INT, value), 4));
    }

    /** sockaddr_in or sockaddr_in6 (28 bytes either way: the kernel reads only what the family needs). */
    private static MemorySegment sockaddr(Arena a, InetSocketAddress addr) {
        MemorySegment sa = a.allocate(28);
        byte[] ip = addr.getAddress().getAddress();
        boolean v4 = addr.getAddress() instanceof Inet4Address;
        sa.set(JAVA_SHORT, 0, (short) (v4 ? AF_INET : AF_INET6));
        sa.set(JAVA_BYTE, 2, (byte) (addr.getPort() >> 8));
        sa.set(JAVA_BYTE, 3, (byte) addr.getPort());
        MemorySegment.copy(ip, 0, sa, JAVA_BYTE, v4 ? 4 : 8, ip.length);
        return sa;
    }

    private static InetSocketAddress fromSockaddr(MemorySegment sa) throws UnknownHostException {
        int family = sa.get(JAVA_SHORT, 0);
        int port = ((sa.get(JAVA_BYTE, 2) & 0xff) << 8) | (sa.get(JAVA_BYTE, 3) & 0xff);
        byte[] ip = family == AF_INET ? sa.asSlice(4, 4).toArray(JAVA_BYTE) : sa.asSlice(8, 16).toArray(JAVA_BYTE);
        return new InetSocketAddress(InetAddress.getByAddress(ip), port);
    }
}
