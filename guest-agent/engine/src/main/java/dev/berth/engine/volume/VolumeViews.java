package dev.berth.engine.volume;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shapes: a volume as create/inspect/ls show it, and a container's mount as inspect shows it. */
public final class VolumeViews {
    private VolumeViews() {}

    /** {@code {"CreatedAt","Driver","Labels","Mountpoint","Name","Options","Scope"}}; empty labels are null. */
    public static Map<String, Object> volume(VolumeRecord v, Path data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("CreatedAt", v.createdAt().toString());
        m.put("Driver", v.driver());
        m.put("Labels", v.labels().isEmpty() ? null : v.labels());
        m.put("Mountpoint", data.toString());
        m.put("Name", v.name());
        m.put("Options", v.options());
        m.put("Scope", "local");
        return m;
    }

    /** The {@code system df} form: the volume plus how many containers use it and its size. */
    public static Map<String, Object> usage(VolumeRecord v, Path data, int refCount, long size) {
        Map<String, Object> m = volume(v, data);
        m.put("UsageData", Map.of("RefCount", refCount, "Size", size));
        return m;
    }

    /**
     * One entry of a container's {@code Mounts}: binds show their host path, volumes their name, driver and
     * data directory; tmpfs an empty source.
     */
    static Map<String, Object> mount(MountPoint p, Path volumeData) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Type", p.type());
        if (p.type().equals(MountPoint.VOLUME)) {
            m.put("Name", p.name());
            m.put("Source", volumeData == null ? "" : volumeData.toString());
        } else {
            m.put("Source", p.type().equals(MountPoint.BIND) ? p.source() : "");
        }
        m.put("Destination", p.destination());
        if (p.type().equals(MountPoint.VOLUME)) {
            m.put("Driver", "local");
        }
        m.put("Mode", p.mode() == null ? "" : p.mode());
        m.put("RW", p.rw());
        m.put("Propagation", p.propagation() == null ? "" : p.propagation());
        return m;
    }
}
