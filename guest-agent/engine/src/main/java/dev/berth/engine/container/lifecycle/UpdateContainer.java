package dev.berth.engine.container.lifecycle;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerContext;
import dev.berth.engine.container.HostConfigs;
import dev.berth.engine.container.SpecInputs;
import dev.berth.engine.container.cgroup.HostLimits;
import dev.berth.engine.container.model.HostConfig;
import dev.berth.engine.container.spec.SpecInput;
import dev.berth.engine.errors.ConflictException;
import dev.berth.oci.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code docker update}: new limits are checked like create's, applied to a running container through the
 * runtime (which rewrites its cgroup), and stored for the next start.
 */
public final class UpdateContainer {
    private final ContainerContext ctx;

    public UpdateContainer(ContainerContext ctx) {
        this.ctx = ctx;
    }

    public void update(Container c, HostConfig changes) throws IOException {
        c.lock().lock();
        try {
            HostLimits host = HostLimits.current(Runtime.getRuntime().availableProcessors());
            HostConfig merged;
            try {
                merged = HostConfigs.update(c.record().hostConfig(), changes, host);
            } catch (ConflictException e) {
                // Docker's wording for a refused update (moby errCannotUpdate); invalid values stay unprefixed
                throw new ConflictException("Cannot update container " + c.id() + ": " + e.getMessage());
            }
            if (c.state().running()) {
                ctx.runtimes().get(c.record().runtime()).update(c.id(),
                        resourcesJson(SpecInputs.resourcesOf(merged)));
            }
            ctx.store().updateHostConfig(c, merged);
        } finally {
            c.lock().unlock();
        }
        ctx.events().publish(c, "update");
    }

    /** An OCI LinuxResources document, as {@code runc update --resources} reads it. */
    static byte[] resourcesJson(SpecInput.Resources r) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> memory = new LinkedHashMap<>();
        if (r.memory() > 0) {
            memory.put("limit", r.memory());
        }
        if (r.memorySwap() != 0) {
            // 0 (no swap accounting here) leaves it out: runc would fail writing a swap file that is not there
            memory.put("swap", r.memorySwap());
        }
        if (r.memoryReservation() > 0) {
            memory.put("reservation", r.memoryReservation());
        }
        out.put("memory", memory);
        Map<String, Object> cpu = new LinkedHashMap<>();
        if (r.cpuShares() > 0) {
            cpu.put("shares", r.cpuShares());
        }
        if (r.cpuQuota() != 0) {
            cpu.put("quota", r.cpuQuota());
            cpu.put("period", r.cpuPeriod());
        }
        if (r.cpusetCpus() != null) {
            cpu.put("cpus", r.cpusetCpus());
        }
        if (r.cpusetMems() != null) {
            cpu.put("mems", r.cpusetMems());
        }
        out.put("cpu", cpu);
        if (r.pidsLimit() != 0) {
            out.put("pids", Map.of("limit", r.pidsLimit() < 0 ? -1 : r.pidsLimit()));
        }
        if (r.blkioWeight() > 0) {
            out.put("blockIO", Map.of("weight", r.blkioWeight()));
        }
        return Json.write(out);
    }
}
