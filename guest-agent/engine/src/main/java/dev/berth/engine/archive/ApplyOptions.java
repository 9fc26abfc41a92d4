package dev.berth.engine.archive;

/**
 * How a tar stream is applied to a directory.
 *
 * @param overlayWhiteouts convert OCI whiteouts ({@code .wh.name}, {@code .wh..wh..opq}) into overlayfs form
 *                         (0/0 character devices, {@code trusted.overlay.opaque=y}); for image layers
 * @param chownFromArchive give entries the uid/gid in the archive (layers); else leave them to the caller
 * @param allowDevices     create character and block devices; when false they are skipped and counted
 * @param maxBytes         total content bytes allowed (decompression-bomb bound)
 * @param maxEntries       members allowed (inode-exhaustion bound)
 * @param freeSpaceReserve stop when the filesystem would have less than this many bytes free
 */
public record ApplyOptions(boolean overlayWhiteouts, boolean chownFromArchive, boolean allowDevices,
        long maxBytes, long maxEntries, long freeSpaceReserve) {

    /** For image layers: whiteouts converted, ownership kept, no devices, generous but finite bounds. */
    public static ApplyOptions layer(long maxBytes, long freeSpaceReserve) {
        return new ApplyOptions(true, true, false, maxBytes, 2_000_000, freeSpaceReserve);
    }
}
