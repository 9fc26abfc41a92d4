package dev.berth.engine.store.content;

import dev.berth.oci.Digest;
import java.time.Instant;

/** A committed blob: its digest, size and when it was committed. */
public record BlobInfo(Digest digest, long size, Instant committedAt) {}
