package dev.berth.engine.api;

import dev.berth.api.http.ChunkedOutputStream;
import dev.berth.api.http.HttpCodec;
import dev.berth.api.http.HttpHeaders;
import dev.berth.oci.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes one response. Exactly one of the terminal methods is called per request: a complete body
 * ({@link #json}, {@link #empty}, {@link #text}), a stream ({@link #stream}) or a hijack ({@link #hijack}).
 * Every head is flushed at once: Docker clients block on response headers (wait, events, logs).
 */
public final class Response {
    private final OutputStream out;
    private final HttpHeaders extra = new HttpHeaders();
    private boolean committed;
    private boolean closeAfter;

    Response(OutputStream out) {
        this.out = out;
    }

    /** Adds a header to whatever response is sent next. */
    public Response header(String name, String value) {
        extra.set(name, value);
        return this;
    }

    public boolean committed() {
        return committed;
    }

    boolean closeAfter() {
        return closeAfter;
    }

    /** A JSON body followed by a newline, as dockerd's encoder writes it. */
    public void json(int status, Object body) throws IOException {
        byte[] json = Json.write(body);
        byte[] withNewline = new byte[json.length + 1];
        System.arraycopy(json, 0, withNewline, 0, json.length);
        withNewline[json.length] = '\n';
        bytes(status, "application/json", withNewline);
    }

    public void text(int status, String body) throws IOException {
        bytes(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    /** A response without a body: 204, 304, or 200/201 with {@code Content-Length: 0}. */
    public void empty(int status) throws IOException {
        HttpHeaders h = headers(null);
        if (status != 204 && status != 304) {
            h.set("Content-Length", "0");
        }
        commit(status, h);
        out.flush();
    }

    public void bytes(int status, String contentType, byte[] body) throws IOException {
        HttpHeaders h = headers(contentType);
        h.set("Content-Length", Integer.toString(body.length));
        commit(status, h);
        out.write(body);
        out.flush();
    }

    /**
     * Starts a chunked streaming body and returns it. Closing the returned stream ends the body; each write
     * is sent and flushed as one chunk.
     */
    public OutputStream stream(int status, String contentType) throws IOException {
        HttpHeaders h = headers(contentType);
        h.set("Transfer-Encoding", "chunked");
        commit(status, h);
        out.flush();
        return new ChunkedOutputStream(out);
    }

    /**
     * Like {@link #stream}, but the head is sent only when the first byte is written (or on close): work that
     * can fail before producing output (an unknown image in {@code docker save}) still gets a proper error
     * status instead of a 200 with a broken body. Close it only when the work succeeded — not in a
     * try-with-resources, whose close would send the 200 before the error.
     */
    public OutputStream lazyStream(int status, String contentType) {
        return new OutputStream() {
            private OutputStream body;

            private OutputStream body() throws IOException {
                if (body == null) {
                    body = stream(status, contentType);
                }
                return body;
            }

            @Override
            public void write(int b) throws IOException {
                body().write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                body().write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                if (body != null) {
                    body.flush();
                }
            }

            /** Ends the body (an empty 200 body if nothing was written). */
            @Override
            public void close() throws IOException {
                body().close();
            }
        };
    }

    /**
     * Takes over the connection for a raw bidirectional stream (attach, exec). With {@code upgrade} the head is
     * {@code 101 UPGRADED}; without it, {@code 200 OK} with a body delimited by connection close, which is
     * what docker-java expects for execs started without an Upgrade header.
     */
    public OutputStream hijack(String contentType, boolean upgrade) throws IOException {
        HttpHeaders h = headers(contentType);
        closeAfter = true;
        if (upgrade) {
            h.set("Connection", "Upgrade");
            h.set("Upgrade", "tcp");
            commit(101, "UPGRADED", h);
        } else {
            commit(200, HttpCodec.reason(200), h);
        }
        out.flush();
        return out;
    }

    /** Ends the connection after this response (protocol errors, hijacks, watched clients). */
    public void closeConnection() {
        closeAfter = true;
    }

    private HttpHeaders headers(String contentType) {
        HttpHeaders h = ApiServer.standardHeaders();
        if (contentType != null) {
            h.set("Content-Type", contentType);
        }
        extra.forEach(h::set);
        return h;
    }

    private void commit(int status, HttpHeaders h) throws IOException {
        commit(status, HttpCodec.reason(status), h);
    }

    private void commit(int status, String reason, HttpHeaders h) throws IOException {
        if (committed) {
            throw new IllegalStateException("response already sent");
        }
        committed = true;
        HttpCodec.writeResponseHead(out, status, reason, h);
    }
}
