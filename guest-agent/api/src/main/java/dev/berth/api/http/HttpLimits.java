package dev.berth.api.http;

/**
 * Bounds on what a peer can make us buffer. Requests beyond them are refused with 414/431/413 before their
 * contents are read, so a hostile or broken client cannot exhaust memory through the parser.
 *
 * @param maxStartLine   request or status line, bytes
 * @param maxHeaderBytes all header lines together, bytes
 * @param maxHeaders     number of header fields
 * @param maxChunkLine   a chunk-size line including extensions, bytes
 */
public record HttpLimits(int maxStartLine, int maxHeaderBytes, int maxHeaders, int maxChunkLine) {
    /** Docker's own server allows 1 MiB of headers; real clients send well under 8 KiB. */
    public static final HttpLimits DEFAULT = new HttpLimits(8 * 1024, 64 * 1024, 100, 1024);
}
