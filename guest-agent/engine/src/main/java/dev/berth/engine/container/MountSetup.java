package dev.berth.engine.container;

import dev.berth.engine.container.spec.SpecInput;
import java.io.IOException;
import java.util.List;

/**
 * The mounts a container gets besides its root filesystem and /etc files: volumes, bind mounts, tmpfs.
 * The volumes domain implements it; until then containers have none.
 */
public interface MountSetup {
    List<SpecInput.MountSpec> mountsFor(Container c) throws IOException;

    MountSetup NONE = c -> List.of();
}
