package dev.berth.engine.store.snapshot;

import dev.berth.oci.Digest;
import java.time.Instant;

/**
 * One unpacked layer, shared by every image that has a layer with this diff ID.
 *
 * @param id   short numeric directory name: overlay mount options must fit in one page, so paths are short
 * @param size bytes of file content in the layer
 */
public record Snapshot(Digest diffId, long id, long size, Instant created) {}
