package dev.berth.engine.volume;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerStore;
import dev.berth.engine.container.ContainerViews;
import dev.berth.engine.container.MountSetup;
import dev.berth.engine.container.model.ContainerRecord;
import dev.berth.engine.container.spec.SpecInput;
import dev.berth.engine.container.spec.TmpfsOptions;
import dev.berth.engine.errors.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container side of volumes and bind mounts: checks a container's mounts at create, fixes the names of
 * its anonymous volumes and creates the volumes it names, prepares mount points (in-root) and copy-up at
 * each start, shows the mounts in inspect, and removes anonymous volumes with the container on request.
 */
public final class ContainerVolumes implements MountSetup, ContainerViews.MountView {
    private static final Logger log = LoggerFactory.getLogger(ContainerVolumes.class);

    private final VolumeService volumes;
    private final ContainerStore containers;
    private final MountPlans plans;

    ContainerVolumes(VolumeService volumes, ContainerStore containers, MountPlans plans) {
        this.volumes = volumes;
        this.containers = containers;
        this.plans = plans;
    }

    @Override
    public void validate(ContainerRecord r) {
        for (MountPoint m : plan(r)) {
            if (m.type().equals(MountPoint.VOLUME) && m.name() != null) {
                VolumeNames.check(m.name());
            }
        }
    }

    private List<MountPoint> plan(ContainerRecord r) {
        return MountPlanner.plan(r, ref -> {
            Container from = containers.get(ref);
            return plans.get(from).orElse(List.of());
        });
    }

    /** Names anonymous volumes, creates missing ones, and records the mounts with the container. */
    @Override
    public void created(Container c) throws IOException {
        synchronized (volumes) { // a volume rm waits until the claim is recorded
            List<MountPoint> resolved = new ArrayList<>();
            for (MountPoint m : plan(c.record())) {
                if (m.type().equals(MountPoint.VOLUME)) {
                    boolean anonymous = m.name() == null;
                    String name = anonymous ? VolumeNames.random() : m.name();
                    volumes.ensure(name, anonymous ? Map.of(VolumeNames.ANONYMOUS_LABEL, "") : m.volumeLabels());
                    m = m.withName(name);
                }
                resolved.add(m);
            }
            plans.save(c, resolved);
        }
    }

    private List<MountPoint> mountsOf(Container c) throws IOException {
        if (plans.get(c).isEmpty()) {
            created(c); // a container recorded before its mounts were (a crash right after create)
        }
        return plans.get(c).orElse(List.of());
    }

    /** At start, with the root filesystem mounted: mount points made in-root, volumes filled from the image. */
    @Override
    public List<SpecInput.MountSpec> prepare(Container c) throws IOException {
        List<SpecInput.MountSpec> out = new ArrayList<>();
        Path rootfs = c.paths().rootfs();
        for (MountPoint m : mountsOf(c)) {
            switch (m.type()) {
                case MountPoint.BIND -> {
                    Path source = bindSource(m);
                    String dest = MountTargets.prepare(rootfs, m.destination(), Files.isDirectory(source));
                    out.add(bind(dest, m.source(), m));
                }
                case MountPoint.VOLUME -> {
                    volumes.ensure(m.name(), Map.of());
                    String dest = MountTargets.prepare(rootfs, m.destination(), true);
                    if (m.copyData()) {
                        CopyUp.copyIfEmpty(rootfs, dest, volumes.data(m.name()));
                    }
                    out.add(bind(dest, volumes.data(m.name()).toString(), m));
                }
                default -> out.add(TmpfsOptions.mount(MountTargets.prepare(rootfs, m.destination(), true),
                        m.tmpfsOptions()));
            }
        }
        return out;
    }

    /** A bind's source: a missing {@code -v} source becomes a directory, a missing {@code --mount} one is an error. */
    private static Path bindSource(MountPoint m) throws IOException {
        Path source = Path.of(m.source());
        if (!Files.exists(source)) {
            if (!m.createSource()) {
                throw new InvalidArgumentException("invalid mount config for type \"bind\": bind source path does "
                        + "not exist: " + m.source());
            }
            Files.createDirectories(source);
        }
        return source;
    }

    private static SpecInput.MountSpec bind(String destination, String source, MountPoint m) {
        List<String> options = new ArrayList<>(List.of("rbind",
                m.propagation() == null || m.propagation().isEmpty() ? "rprivate" : m.propagation()));
        if (!m.rw()) {
            options.add("ro");
        }
        return new SpecInput.MountSpec(destination, "bind", source, options);
    }

    /** The mounts as recorded, without touching anything: what docker cp checks paths against. */
    @Override
    public List<SpecInput.MountSpec> mountsFor(Container c) {
        List<SpecInput.MountSpec> out = new ArrayList<>();
        for (MountPoint m : plans.get(c).orElse(List.of())) {
            out.add(switch (m.type()) {
                case MountPoint.BIND -> bind(m.destination(), m.source(), m);
                case MountPoint.VOLUME -> bind(m.destination(), volumes.data(m.name()).toString(), m);
                default -> TmpfsOptions.mount(m.destination(), m.tmpfsOptions());
            });
        }
        return out;
    }

    /** After the container is gone: its anonymous volumes too if asked ({@code rm -v}, {@code --rm}). */
    @Override
    public void removed(Container c, boolean removeAnonymousVolumes) {
        List<MountPoint> mounts = plans.forget(c);
        if (!removeAnonymousVolumes) {
            return;
        }
        for (MountPoint m : mounts) {
            if (!m.type().equals(MountPoint.VOLUME) || m.name() == null) {
                continue;
            }
            try {
                boolean anonymous = volumes.all().stream().anyMatch(v -> v.name().equals(m.name()) && v.anonymous());
                if (anonymous && volumes.users(m.name()).isEmpty()) {
                    volumes.remove(m.name(), true);
                }
            } catch (IOException | RuntimeException e) {
                log.warn("cannot remove volume {} of container {}: {}", m.name(), c.id(), e.toString());
            }
        }
    }

    /** Inspect's {@code Mounts}, in Docker's shape. */
    @Override
    public List<Map<String, Object>> mounts(Container c) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (MountPoint m : plans.get(c).orElse(List.of())) {
            out.add(VolumeViews.mount(m, m.name() == null ? null : volumes.data(m.name())));
        }
        return out;
    }

    /** Used by tests and df: how many containers mount each volume. */
    Map<String, Integer> refCounts() {
        Map<String, Integer> counts = new HashMap<>();
        for (Container c : containers.all()) {
            plans.get(c).orElse(List.of()).stream().filter(m -> m.type().equals(MountPoint.VOLUME))
                    .forEach(m -> counts.merge(m.name(), 1, Integer::sum));
        }
        return counts;
    }
}
