package dev.berth.engine.image;

import dev.berth.oci.Digest;
import java.util.Optional;
import java.util.Set;

/**
 * Who uses images besides names: containers. The container domain implements this; images may not be
 * deleted from under a running container, and layers of any container's image are kept.
 */
public interface ImageUsers {
    ImageUsers NONE = new ImageUsers() {
        @Override
        public Optional<String> runningContainerOf(Digest imageId) {
            return Optional.empty();
        }

        @Override
        public Optional<String> stoppedContainerOf(Digest imageId) {
            return Optional.empty();
        }

        @Override
        public Set<Digest> imagesInUse() {
            return Set.of();
        }
    };

    /** The ID of a running container created from {@code imageId}, if any. */
    Optional<String> runningContainerOf(Digest imageId);

    /** The ID of a stopped container created from {@code imageId}, if any. */
    Optional<String> stoppedContainerOf(Digest imageId);

    /** Images any container (running or not) was created from. */
    Set<Digest> imagesInUse();
}
