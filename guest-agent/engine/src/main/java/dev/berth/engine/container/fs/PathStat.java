package dev.berth.engine.container.fs;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.berth.engine.os.OpenFlags;
import dev.berth.engine.os.Stat;
import dev.berth.oci.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * What {@code HEAD /containers/{id}/archive} reports in {@code X-Docker-Container-Path-Stat}: base64 of
 * Docker's {@code PathStat} JSON. The CLI decodes {@code mode} as a Go {@code os.FileMode}, whose type bits
 * are not the kernel's: it decides "directory or file" and "follow this link" from them, so they must be
 * exact.
 */
@JsonPropertyOrder({"name", "size", "mode", "mtime", "linkTarget"})
record PathStat(
        @JsonProperty("name") String name,
        @JsonProperty("size") long size,
        @JsonProperty("mode") long mode,
        @JsonProperty("mtime") String mtime,
        @JsonProperty("linkTarget") String linkTarget) {

    static final String HEADER = "X-Docker-Container-Path-Stat";

    // Go's os.FileMode bits (io/fs): type bits from the top down, then the permission bits.
    static final long MODE_DIR = 1L << 31;
    static final long MODE_SYMLINK = 1L << 27;
    static final long MODE_DEVICE = 1L << 26;
    static final long MODE_NAMED_PIPE = 1L << 25;
    static final long MODE_SOCKET = 1L << 24;
    static final long MODE_SETUID = 1L << 23;
    static final long MODE_SETGID = 1L << 22;
    static final long MODE_CHAR_DEVICE = 1L << 21;
    static final long MODE_STICKY = 1L << 20;

    /** Go's time.RFC3339Nano, in UTC: fraction digits only as many as needed, none for whole seconds. */
    private static final DateTimeFormatter RFC3339_NANO = new java.time.format.DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
            .optionalStart().appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .appendLiteral('Z')
            .toFormatter()
            .withZone(ZoneOffset.UTC);

    static PathStat of(String name, Stat st, String linkTarget) {
        return new PathStat(name, st.size(), goMode(st.mode()), goTime(st.mtimeSec(), st.mtimeNsec()),
                linkTarget == null ? "" : linkTarget);
    }

    /** A kernel st_mode as Go's os.FileMode (what os.Lstat(...).Mode() gives on Linux). */
    static long goMode(int stMode) {
        long m = stMode & 0777;
        switch (stMode & OpenFlags.S_IFMT) {
            case OpenFlags.S_IFDIR -> m |= MODE_DIR;
            case OpenFlags.S_IFLNK -> m |= MODE_SYMLINK;
            case OpenFlags.S_IFBLK -> m |= MODE_DEVICE;
            case OpenFlags.S_IFCHR -> m |= MODE_DEVICE | MODE_CHAR_DEVICE;
            case OpenFlags.S_IFIFO -> m |= MODE_NAMED_PIPE;
            case 0140000 -> m |= MODE_SOCKET;
            default -> { }
        }
        if ((stMode & 04000) != 0) {
            m |= MODE_SETUID;
        }
        if ((stMode & 02000) != 0) {
            m |= MODE_SETGID;
        }
        if ((stMode & 01000) != 0) {
            m |= MODE_STICKY;
        }
        return m;
    }

    static String goTime(long sec, int nsec) {
        return RFC3339_NANO.format(Instant.ofEpochSecond(sec, nsec));
    }

    /** The header value: base64 (standard alphabet, padded) of the JSON. */
    String header() {
        return Base64.getEncoder().encodeToString(Json.write(this));
    }
}
