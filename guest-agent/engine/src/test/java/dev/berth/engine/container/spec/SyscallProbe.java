package dev.berth.engine.container.spec;

import dev.berth.testkit.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A static amd64 program that tries to create AF_VSOCK sockets by the two routes CVE-2026-112917 is about
 * (busybox has no vsock tool): socket(2) of the native ABI, and socketcall(2) of the i386 ABI through
 * {@code int 0x80}, which a filter listing only SCMP_ARCH_X86_64 must refuse. Sockets are closed at once and
 * never connected. Output: {@code name=<return> <errno>} per line.
 */
final class SyscallProbe {
    static final String SOURCE = """
            #include <errno.h>
            #include <stdio.h>
            #include <sys/socket.h>
            #include <sys/syscall.h>
            #include <unistd.h>

            /* socketcall(SYS_SOCKET, args) through the i386 entry; args must sit below 4 GiB (static, no-pie) */
            static unsigned int args32[3] = {40 /* AF_VSOCK */, 1 /* SOCK_STREAM */, 0};

            static long int80(long nr, long a, long b) {
                long ret;
                __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b) : "memory");
                return ret;
            }

            static void report(const char *name, long ret, int err) {
                printf("%s=%ld %d\\n", name, ret, ret < 0 ? err : 0);
                fflush(stdout);
                if (ret >= 0) close((int) ret);
            }

            int main(void) {
                errno = 0;
                long fd = syscall(SYS_socket, 40, SOCK_STREAM, 0);
                report("socket_vsock", fd, errno);
                errno = 0;
                fd = syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0);
                report("socket_inet", fd, errno);
                int ret = (int) int80(102 /* i386 __NR_socketcall */, 1 /* SYS_SOCKET */, (long) args32);
                report("socketcall_vsock", ret < 0 ? -1 : ret, ret < 0 ? -ret : 0);
                return 0;
            }
            """;

    private SyscallProbe() {}

    /** Compiles the probe into {@code target} with the host's gcc. */
    static void build(Path target) throws Exception {
        Path source = target.resolveSibling("probe.c");
        Files.writeString(source, SOURCE);
        Processes.run(List.of("gcc", "-O0", "-static", "-no-pie", "-o", target.toString(), source.toString()),
                Duration.ofSeconds(120)).requireSuccess();
        Files.delete(source);
    }
}
