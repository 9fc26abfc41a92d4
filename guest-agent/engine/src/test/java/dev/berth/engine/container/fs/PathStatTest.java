package dev.berth.engine.container.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.engine.os.Stat;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The stat header the docker CLI decodes to decide "file or directory" and "follow this link": Go
 * os.FileMode bits and Go's RFC 3339 time, byte for byte as dockerd sends them (values from the captured
 * transcript 15-cp.txt and from a dockerd 20.10 run on this machine).
 */
class PathStatTest {
    static final long NOV_22 = Instant.parse("2026-11-22T08:29:57Z").getEpochSecond();

    static Stat stat(int mode, long size, long sec, int nsec) {
        return new Stat(mode, 0, 0, size, 1, 1, sec, nsec, 0, 0, 8, 1);
    }

    @Test
    void headerIsDockerdsExactBytes() {
        // transcript 15-cp.txt, HEAD /containers/web/archive?path=/tmp/
        String dockerd = "eyJuYW1lIjoidG1wIiwic2l6ZSI6NDA5NiwibW9kZSI6MjE0NzQ4NDE0MSwibXRpbWUiOiIyMDI2LTExLTIyVDA4Oj"
                + "I5OjU3WiIsImxpbmtUYXJnZXQiOiIifQ==";
        assertEquals(dockerd, PathStat.of("tmp", stat(0040755, 4096, NOV_22, 0), "").header());
        // GET /containers/web/archive?path=/www/index.html
        String file = "eyJuYW1lIjoiaW5kZXguaHRtbCIsInNpemUiOjE1LCJtb2RlIjo0MjAsIm10aW1lIjoiMjAyNi0xMS0yMlQwODoyOTo1N1oi"
                + "LCJsaW5rVGFyZ2V0IjoiIn0=";
        assertEquals(file, PathStat.of("index.html", stat(0100644, 15, NOV_22, 0), null).header());
    }

    @Test
    void modeBitsAreGoFileModes() {
        assertEquals(2147484141L, PathStat.goMode(0040755), "directory");
        assertEquals(2148532735L, PathStat.goMode(0041777), "sticky /tmp, as dockerd reports it");
        assertEquals(134218239L, PathStat.goMode(0120777), "symlink, as dockerd reports /bin/sh");
        assertEquals(420L, PathStat.goMode(0100644), "regular file: permissions only");
        assertEquals((1L << 26) | (1L << 21) | 0666, PathStat.goMode(0020666), "character device");
        assertEquals(1L << 26 | 0660, PathStat.goMode(0060660), "block device");
        assertEquals(1L << 25 | 0644, PathStat.goMode(0010644), "named pipe");
        assertEquals(1L << 24 | 0755, PathStat.goMode(0140755), "socket");
        assertEquals((1L << 23) | 0755, PathStat.goMode(0104755), "set-uid");
        assertEquals((1L << 22) | 0755, PathStat.goMode(0102755), "set-gid");
    }

    @Test
    void timesAreRfc3339NanoWithoutTrailingZeros() {
        assertEquals("2026-11-22T08:29:57Z", PathStat.goTime(NOV_22, 0));
        assertEquals("2026-11-22T08:29:57.478074578Z", PathStat.goTime(NOV_22, 478074578));
        assertEquals("2026-11-22T08:29:57.5Z", PathStat.goTime(NOV_22, 500_000_000));
        assertEquals("2026-11-22T08:29:57.000001Z", PathStat.goTime(NOV_22, 1000));
    }

    @Test
    void symlinkCarriesItsTargetAndLinkLength() {
        PathStat s = PathStat.of("sh", stat(0120777, 7, NOV_22, 0), "/bin/busybox");
        assertEquals(new PathStat("sh", 7, 134218239L, "2026-11-22T08:29:57Z", "/bin/busybox"), s);
    }
}
