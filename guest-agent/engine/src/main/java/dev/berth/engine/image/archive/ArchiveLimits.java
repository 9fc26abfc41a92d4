package dev.berth.engine.image.archive;

import dev.berth.engine.image.ImageLimits;

/**
 * The bounds load and import enforce on uploaded archives, so a hostile or broken archive costs bounded
 * memory, time and disk (reliability-security §2.1, §2.5) before it is refused.
 */
final class ArchiveLimits {
    /** Members of one archive: a docker save has about four per layer, so this is ample for real ones. */
    static final int MAX_ENTRIES = 100_000;
    /** manifest.json, index.json, repositories, oci-layout: read whole into memory, so bounded. */
    static final long MAX_METADATA = 8L << 20;
    /** An image config (the engine-wide bound). */
    static final long MAX_CONFIG = ImageLimits.MAX_CONFIG;
    /** A manifest or index blob (the engine-wide bound). */
    static final long MAX_MANIFEST = ImageLimits.MAX_MANIFEST;
    /** All configs of one archive together, since their parsed forms are held until registration. */
    static final long MAX_TOTAL_CONFIG = 64L << 20;
    /** The engine-wide layer depth limit. */
    static final int MAX_LAYERS = ImageLimits.MAX_LAYERS;
    /** Images in one archive (manifest.json entries or index.json descriptors). */
    static final int MAX_IMAGES = 1_000;
    /** Symlink hops while resolving one path inside the archive, as Linux's MAXSYMLINKS. */
    static final int MAX_SYMLINK_HOPS = 40;

    private ArchiveLimits() {}
}
