package dev.berth.engine.volume;

import dev.berth.engine.container.model.HostConfig;
import dev.berth.engine.errors.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code --mount}/{@code HostConfig.Mounts} entries, checked as dockerd's validateMountConfig checks them:
 * a bind's source must be an absolute path that exists (unlike {@code -v}, nothing is created), a volume's
 * source is a volume name or empty (anonymous), tmpfs takes no source. Errors carry dockerd's texts.
 */
public final class MountParser {
    private MountParser() {}

    public static MountPoint parse(HostConfig.Mount m) {
        String type = m.type() == null ? "" : m.type();
        if (m.target() == null || m.target().isEmpty()) {
            throw invalid(type, "field Target must not be empty");
        }
        if (!m.target().startsWith("/")) {
            throw invalid(type, "invalid mount path: '" + m.target() + "' mount path must be absolute");
        }
        String destination = Path.of(m.target()).normalize().toString();
        if (destination.equals("/")) {
            throw invalid(type, "invalid specification: destination can't be '/'");
        }
        boolean rw = !Boolean.TRUE.equals(m.readOnly());
        return switch (type) {
            case MountPoint.BIND -> bind(m, destination, rw);
            case MountPoint.VOLUME -> volume(m, destination, rw);
            case MountPoint.TMPFS -> tmpfs(m, destination);
            default -> throw new InvalidArgumentException("invalid mount config: mount type unknown: \"" + type
                    + "\"");
        };
    }

    private static MountPoint bind(HostConfig.Mount m, String destination, boolean rw) {
        if (m.volumeOptions() != null) {
            throw invalid("bind", "field VolumeOptions must not be specified");
        }
        String src = m.source();
        if (src == null || src.isEmpty()) {
            throw invalid("bind", "field Source must not be empty");
        }
        if (!src.startsWith("/")) {
            throw invalid("bind", "invalid mount path: '" + src + "' mount path must be absolute");
        }
        if (!Files.exists(Path.of(src))) { // followed as the mount will follow it: the user's intent
            throw invalid("bind", "bind source path does not exist: " + src);
        }
        String propagation = "rprivate";
        if (m.bindOptions() != null && m.bindOptions().get("Propagation") instanceof String p && !p.isEmpty()) {
            if (!BindParser.PROPAGATIONS.contains(p)) {
                throw invalid("bind", "invalid propagation mode: " + p);
            }
            propagation = p;
        }
        return new MountPoint(MountPoint.BIND, null, src, destination, rw, "", propagation, false, false, null, null);
    }

    @SuppressWarnings("unchecked")
    private static MountPoint volume(HostConfig.Mount m, String destination, boolean rw) {
        if (m.bindOptions() != null) {
            throw invalid("volume", "field BindOptions must not be specified");
        }
        String name = m.source() == null || m.source().isEmpty() ? null : m.source();
        if (name != null) {
            VolumeNames.check(name);
        }
        Map<String, Object> opts = m.volumeOptions() == null ? Map.of() : m.volumeOptions();
        boolean copy = !Boolean.TRUE.equals(opts.get("NoCopy"));
        Map<String, String> labels = opts.get("Labels") instanceof Map<?, ?> l ? (Map<String, String>) l : null;
        if (opts.get("DriverConfig") instanceof Map<?, ?> d && d.get("Name") instanceof String driver
                && !driver.isEmpty() && !driver.equals("local")) {
            throw new InvalidArgumentException("volume driver " + driver + " is not supported; only local is");
        }
        return new MountPoint(MountPoint.VOLUME, name, null, destination, rw, "", "", copy, false, labels, null);
    }

    private static MountPoint tmpfs(HostConfig.Mount m, String destination) {
        if (m.source() != null && !m.source().isEmpty()) {
            throw invalid("tmpfs", "field Source must not be specified");
        }
        StringBuilder opts = new StringBuilder();
        Map<String, Object> t = m.tmpfsOptions() == null ? Map.of() : m.tmpfsOptions();
        if (t.get("SizeBytes") instanceof Number size && size.longValue() > 0) {
            opts.append("size=").append(size.longValue());
        }
        if (t.get("Mode") instanceof Number mode && mode.intValue() != 0) {
            opts.append(opts.isEmpty() ? "" : ",").append("mode=").append(Integer.toOctalString(mode.intValue()));
        }
        if (Boolean.TRUE.equals(m.readOnly())) {
            opts.append(opts.isEmpty() ? "" : ",").append("ro");
        }
        return new MountPoint(MountPoint.TMPFS, null, null, destination, !Boolean.TRUE.equals(m.readOnly()), "", "",
                false, false, null, opts.toString());
    }

    private static InvalidArgumentException invalid(String type, String why) {
        return new InvalidArgumentException("invalid mount config for type \"" + type + "\": " + why);
    }
}
