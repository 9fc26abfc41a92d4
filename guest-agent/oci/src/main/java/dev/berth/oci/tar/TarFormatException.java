package dev.berth.oci.tar;

import java.io.IOException;

/** The archive is malformed or breaks a limit; the message names the member where known. */
public final class TarFormatException extends IOException {
    public TarFormatException(String message) {
        super(message);
    }
}
