package dev.berth.engine.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.testkit.DockerCli;
import dev.berth.testkit.Processes;
import dev.berth.testkit.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A one-file image ({@code docker import} of a static amd64 program) that makes one system call named on
 * its command line and prints {@code name=<0 or -1> <errno>}: the calls busybox cannot make. keyctl and
 * socket(AF_VSOCK) are refused by Docker's current profile; getpid and socketcall through the i386 entry
 * ({@code int 0x80}) are what Berth's native-only filter refuses beyond it (CVE-2026-112917).
 */
final class SecurityProbe {
    static final String IMAGE = "berth-security-probe:1";
    static final String SOURCE = """
            #include <errno.h>
            #include <stdio.h>
            #include <string.h>
            #include <sys/socket.h>
            #include <sys/syscall.h>
            #include <unistd.h>

            /* socketcall(SYS_SOCKET, args): the args must sit below 4 GiB (static, no-pie) */
            static unsigned int args32[3] = {40 /* AF_VSOCK */, 1 /* SOCK_STREAM */, 0};

            static long int80(long nr, long a, long b) {
                long ret;
                __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b) : "memory");
                return ret;
            }

            int main(int argc, char **argv) {
                const char *what = argc > 1 ? argv[1] : "";
                long ret;
                int err = 0;
                errno = 0;
                if (strcmp(what, "keyctl") == 0) {
                    ret = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0);
                    err = ret < 0 ? errno : 0;
                } else if (strcmp(what, "vsock") == 0) {
                    ret = syscall(SYS_socket, 40, SOCK_STREAM, 0);
                    err = ret < 0 ? errno : 0;
                } else if (strcmp(what, "getpid32") == 0) {
                    ret = int80(20 /* i386 getpid */, 0, 0);
                    if (ret < 0) { err = (int) -ret; ret = -1; }
                } else if (strcmp(what, "socketcall32") == 0) {
                    ret = int80(102 /* i386 socketcall */, 1 /* SYS_SOCKET */, (long) args32);
                    if (ret < 0) { err = (int) -ret; ret = -1; }
                } else {
                    fprintf(stderr, "usage: probe keyctl|vsock|getpid32|socketcall32\\n");
                    return 2;
                }
                printf("%s=%ld %d\\n", what, ret < 0 ? -1L : 0L, err);
                return 0;
            }
            """;

    private SecurityProbe() {}

    /**
     * Builds the probe and imports it into each engine as {@link #IMAGE}. Skips the calling test where the
     * host cannot build it (no gcc with a static libc, or not amd64: the i386 entry is an x86 thing).
     */
    static void importInto(List<DockerCli> engines) throws Exception {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "the probe is amd64 code");
        assumeTrue(Processes.which("gcc").isPresent() && Processes.which("tar").isPresent(),
                "needs gcc (with libc6-dev for -static) and tar to build the syscall probe");
        Path dir = Files.createTempDirectory("berth-probe-");
        try {
            Path root = Files.createDirectories(dir.resolve("root"));
            Files.writeString(dir.resolve("probe.c"), SOURCE);
            Processes.run(List.of("gcc", "-O0", "-static", "-no-pie", "-o", root.resolve("probe").toString(),
                    dir.resolve("probe.c").toString()), Duration.ofSeconds(120)).requireSuccess();
            Path tar = dir.resolve("probe.tar");
            Processes.run(List.of("tar", "-C", root.toString(), "-cf", tar.toString(), "probe"),
                    Duration.ofSeconds(30)).requireSuccess();
            for (DockerCli d : engines) {
                d.ok("import", tar.toString(), IMAGE);
            }
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    /** Runs {@code /probe what} with {@code options}: "exit-code stdout". */
    static String run(DockerCli d, List<String> options, String what) throws Exception {
        Processes.Result r = LimitsFixture.runImage(d, options, IMAGE, List.of("/probe", what));
        return r.exitCode() + " " + r.stdout().trim();
    }
}
