package dev.berth.engine.image.pull;

import java.time.Duration;

/**
 * Tunables of pulling.
 *
 * @param concurrentLayers  layer downloads at once per pull (Docker: 3)
 * @param attempts          tries per layer before giving up on transient errors (Docker: 5)
 * @param retryDelay        wait before retry n is n × this
 * @param maxLayerBytes     uncompressed bytes a single layer may expand to (decompression-bomb bound)
 * @param freeSpaceReserve  bytes kept free on the data disk; a pull stops before eating into them
 */
public record PullSettings(int concurrentLayers, int attempts, Duration retryDelay, long maxLayerBytes,
        long freeSpaceReserve) {

    public static PullSettings defaults() {
        return new PullSettings(5, 5, Duration.ofSeconds(1), 64L << 30, 256L << 20);
    }

    public PullSettings withRetryDelay(Duration d) {
        return new PullSettings(concurrentLayers, attempts, d, maxLayerBytes, freeSpaceReserve);
    }

    public PullSettings withMaxLayerBytes(long bytes) {
        return new PullSettings(concurrentLayers, attempts, retryDelay, bytes, freeSpaceReserve);
    }

    public PullSettings withFreeSpaceReserve(long bytes) {
        return new PullSettings(concurrentLayers, attempts, retryDelay, maxLayerBytes, bytes);
    }
}
