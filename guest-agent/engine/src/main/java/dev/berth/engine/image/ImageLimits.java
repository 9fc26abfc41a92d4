package dev.berth.engine.image;

/**
 * Bounds every path into the image store enforces (pull, load, the registry client), so an image from a
 * registry and one from an archive are held to the same rules.
 */
public final class ImageLimits {
    /** moby's layer-store depth limit; overlayfs cannot stack many more lower directories. */
    public static final int MAX_LAYERS = 125;
    /** An image config blob, parsed into memory. */
    public static final int MAX_CONFIG = 8 << 20;
    /** A manifest or index: the OCI distribution spec's 4 MiB (containerd refuses larger). */
    public static final int MAX_MANIFEST = 4 << 20;

    private ImageLimits() {}
}
