package dev.berth.engine.container.stats;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.SpecInputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** Takes one {@link StatsSample} of a container: its cgroup, the host's CPU time, its network namespace. */
public final class StatsSampler {
    private final CgroupReader cgroups;
    private final HostCounters host;
    private final Path proc;
    private final Clock clock;

    public StatsSampler(CgroupReader cgroups, Path proc, Clock clock) {
        this.cgroups = cgroups;
        this.host = new HostCounters(proc);
        this.proc = proc;
        this.clock = clock;
    }

    /** The sampler of this host: its cgroup layout and {@code /proc}. */
    public static StatsSampler forHost() {
        return new StatsSampler(CgroupReader.forHost(), Path.of("/proc"), Clock.systemUTC());
    }

    public HostCounters host() {
        return host;
    }

    /** A running container's sample; {@link StatsSample#NONE} if it does not run (or just stopped). */
    public StatsSample sample(Container c) {
        if (!running(c)) {
            return StatsSample.NONE;
        }
        return sample(SpecInputs.cgroupsPath(c.record()), c.state().pid());
    }

    /** The sample of the cgroup at {@code cgroupsPath} whose main process is {@code pid}. */
    public StatsSample sample(String cgroupsPath, long pid) {
        Optional<CgroupSample> cg = cgroups.read(cgroupsPath);
        if (cg.isEmpty()) {
            return StatsSample.NONE;
        }
        HostCounters.Cpu cpu = host.cpu();
        Map<String, NetDev.Counters> nets;
        try {
            nets = pid > 0 ? NetDev.read(proc, pid) : Map.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the interfaces of pid " + pid + ": " + e.getMessage(), e);
        }
        return new StatsSample(clock.instant(), cg.get(), cpu, nets);
    }

    /** dockerd shows stats for running and paused containers; restarting ones get zeros. */
    public static boolean running(Container c) {
        return c.state().running() && !c.state().restarting() && c.state().pid() > 0;
    }
}
