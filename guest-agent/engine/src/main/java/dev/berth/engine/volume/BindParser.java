package dev.berth.engine.volume;

import dev.berth.engine.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code -v}/{@code HostConfig.Binds} entries, parsed by the rules of moby's linux parser: {@code src:dst},
 * {@code src:dst:mode} or (in the config's {@code Volumes}) a bare destination. An absolute source is a bind
 * mount, anything else names a volume. Errors carry dockerd's texts.
 */
public final class BindParser {
    static final Set<String> PROPAGATIONS = Set.of("shared", "rshared", "slave", "rslave", "private", "rprivate");
    private static final Set<String> ACCESS = Set.of("ro", "rw");
    private static final Set<String> LABELS = Set.of("z", "Z");

    private BindParser() {}

    /** One {@code Binds} entry. */
    public static MountPoint parse(String raw) {
        if (raw == null || raw.isEmpty()) {
            throw invalid(raw);
        }
        String[] parts = raw.split(":", -1);
        String src;
        String dst;
        String mode = "";
        switch (parts.length) {
            case 1 -> {
                return anonymous(raw);
            }
            case 2 -> {
                boolean modeOnly = validMode(parts[1]) && !parts[1].isEmpty(); // "/data:ro": a volume with a mode
                src = modeOnly ? "" : parts[0];
                dst = modeOnly ? parts[0] : parts[1];
                mode = modeOnly ? parts[1] : "";
                if (modeOnly) {
                    checkMode(mode);
                    MountPoint a = anonymous(dst);
                    return a.withAccess(!List.of(mode.split(",")).contains("ro"), mode);
                }
            }
            case 3 -> {
                src = parts[0];
                dst = parts[1];
                mode = parts[2];
            }
            default -> throw invalid(raw);
        }
        if (src.isEmpty() || dst.isEmpty()) {
            throw invalid(raw);
        }
        checkMode(mode);
        boolean bind = src.startsWith("/");
        String type = bind ? MountPoint.BIND : MountPoint.VOLUME;
        String destination = destination(raw, type, dst);
        if (bind && Path.of(src).normalize().toString().equals("/") && destination.equals("/")) {
            throw invalid(raw);
        }
        List<String> words = mode.isEmpty() ? List.of() : List.of(mode.split(","));
        boolean rw = !words.contains("ro");
        String propagation = words.stream().filter(PROPAGATIONS::contains).findFirst()
                .orElse(bind ? "rprivate" : "");
        String shownMode = bind || !mode.isEmpty() ? mode : "z"; // dockerd shows "z" for a -v volume
        return new MountPoint(type, bind ? null : src, bind ? src : null, destination, rw, shownMode, propagation,
                !words.contains("nocopy"), bind, null, null);
    }

    /** A bare {@code Volumes} destination: a fresh anonymous volume. */
    public static MountPoint anonymous(String dst) {
        String destination = destination(dst, MountPoint.VOLUME, dst);
        return new MountPoint(MountPoint.VOLUME, null, null, destination, true, "", "", true, false, null, null);
    }

    /**
     * The destination cleaned ({@code /a/../b} is {@code /b}); it must be absolute and not {@code /}.
     */
    static String destination(String raw, String type, String dst) {
        if (dst == null || !dst.startsWith("/")) {
            throw new InvalidArgumentException("invalid volume specification: '" + raw + "': invalid mount config "
                    + "for type \"" + type + "\": invalid mount path: '" + dst + "' mount path must be absolute");
        }
        String clean = Path.of(dst).normalize().toString();
        if (clean.equals("/")) {
            throw new InvalidArgumentException("invalid volume specification: '" + raw + "': invalid mount config "
                    + "for type \"" + type + "\": invalid specification: destination can't be '/'");
        }
        return clean;
    }

    static boolean validMode(String mode) {
        try {
            checkMode(mode);
            return true;
        } catch (InvalidArgumentException e) {
            return false;
        }
    }

    /** Mode words: one of ro/rw, one propagation, one of z/Z, nocopy; each at most once. */
    static void checkMode(String mode) {
        if (mode.isEmpty()) {
            return;
        }
        int access = 0;
        int propagation = 0;
        int label = 0;
        int copy = 0;
        for (String w : mode.split(",", -1)) {
            if (ACCESS.contains(w)) {
                access++;
            } else if (PROPAGATIONS.contains(w)) {
                propagation++;
            } else if (LABELS.contains(w)) {
                label++;
            } else if (w.equals("nocopy")) {
                copy++;
            } else {
                throw new InvalidArgumentException("invalid mode: " + mode);
            }
        }
        if (access > 1 || propagation > 1 || label > 1 || copy > 1) {
            throw new InvalidArgumentException("invalid mode: " + mode);
        }
    }

    private static InvalidArgumentException invalid(String raw) {
        return new InvalidArgumentException("invalid volume specification: '" + raw + "'");
    }
}
