package dev.berth.api.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;

/**
 * A hijacked connection: {@link #output()} is the process's output (stdcopy frames without a terminal, raw
 * bytes with one), {@link #stdin()} goes to the process. {@link #closeStdin()} half-closes, which the engine
 * takes as end of input; output keeps flowing until the process ends.
 */
public final class Hijacked implements AutoCloseable {
    private final InputStream in;
    private final SocketChannel channel;

    Hijacked(InputStream in, SocketChannel channel) {
        this.in = in;
        this.channel = channel;
    }

    public InputStream output() {
        return in;
    }

    public OutputStream stdin() {
        return Channels.newOutputStream(channel);
    }

    public void closeStdin() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
