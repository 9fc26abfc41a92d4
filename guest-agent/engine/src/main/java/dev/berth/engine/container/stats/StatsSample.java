package dev.berth.engine.container.stats;

import java.time.Instant;
import java.util.Map;

/**
 * Everything one {@code stats} sample shows, read at one moment: the container's cgroup, the host's CPU
 * counters right after it (dockerd samples them close together so the CPU share has little noise), and the
 * container's interfaces. {@link #NONE} is a container that does not run: dockerd sends zeros then.
 */
public record StatsSample(Instant read, CgroupSample cgroup, HostCounters.Cpu host, Map<String, NetDev.Counters> networks) {
    public static final StatsSample NONE = new StatsSample(null, null, null, Map.of());

    public boolean none() {
        return cgroup == null;
    }
}
