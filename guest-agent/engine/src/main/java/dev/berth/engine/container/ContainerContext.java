package dev.berth.engine.container;

import dev.berth.engine.container.attach.AttachRegistry;
import dev.berth.engine.container.runtime.MonitorLauncher;
import dev.berth.engine.container.runtime.Runtimes;
import dev.berth.engine.image.ImageService;
import java.nio.file.Path;

/**
 * What the container lifecycle verbs share: the stores, the runtimes, the monitor launcher, events, and the
 * host binaries they use. One instance per engine.
 *
 * @param root       the engine's data root
 * @param initBinary a static init for {@code --init} (Debian's tini-static), or null if not installed
 * @param emptyLayer an empty directory, the lower layer of images without layers
 */
public record ContainerContext(
        Path root,
        ContainerStore store,
        ImageService images,
        Runtimes runtimes,
        MonitorLauncher monitors,
        ContainerEvents events,
        AttachRegistry attaches,
        MountSetup mounts,
        Path initBinary,
        Path emptyLayer) {}
