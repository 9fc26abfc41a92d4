package dev.berth.engine.container;

import dev.berth.engine.container.model.ContainerRecord;
import dev.berth.engine.container.spec.SpecInput;
import java.io.IOException;
import java.util.List;

/**
 * The mounts a container gets besides its root filesystem and /etc files: volumes, bind mounts, tmpfs.
 * The volume domain implements it; {@link #NONE} gives containers none.
 */
public interface MountSetup {
    /** The container's mounts as recorded, with no side effect (docker cp checks paths against them). */
    List<SpecInput.MountSpec> mountsFor(Container c) throws IOException;

    /** At create, before the record is stored: refuses invalid mounts (400) and unknown --volumes-from (404). */
    default void validate(ContainerRecord r) {}

    /** Right after the record is stored: creates the volumes the container names and records its mounts. */
    default void created(Container c) throws IOException {}

    /** At start, with the root filesystem mounted: makes mount points inside it and returns the mounts. */
    default List<SpecInput.MountSpec> prepare(Container c) throws IOException {
        return mountsFor(c);
    }

    /** After the container is removed; {@code removeAnonymousVolumes} for {@code rm -v} and {@code --rm}. */
    default void removed(Container c, boolean removeAnonymousVolumes) {}

    MountSetup NONE = c -> List.of();
}
