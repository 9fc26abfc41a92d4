package dev.berth.engine.os;

import java.io.IOException;

/** A failed system call: which call, on what path, and the errno it returned. */
public final class ErrnoException extends IOException {
    private final int errno;

    public ErrnoException(String call, String path, int errno) {
        super(call + " " + path + ": " + Errno.describe(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    public boolean is(int code) {
        return errno == code;
    }
}
