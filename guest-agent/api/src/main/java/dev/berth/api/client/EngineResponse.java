package dev.berth.api.client;

import dev.berth.api.http.ResponseHead;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SocketChannel;

/** One response: its head, its body stream, and the connection, closed together with the body. */
public final class EngineResponse implements AutoCloseable {
    private final ResponseHead head;
    private final InputStream body;
    private final SocketChannel channel;

    EngineResponse(ResponseHead head, InputStream body, SocketChannel channel) {
        this.head = head;
        this.body = body;
        this.channel = channel;
    }

    public int status() {
        return head.status();
    }

    public ResponseHead head() {
        return head;
    }

    public InputStream body() {
        return body;
    }

    /** The underlying channel, for hijacked streams that write after the response head. */
    public SocketChannel channel() {
        return channel;
    }

    public byte[] bytes() throws IOException {
        return body.readAllBytes();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
