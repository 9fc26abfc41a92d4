package dev.berth.api.client;

import dev.berth.api.http.HttpCodec;
import dev.berth.api.http.HttpHeaders;
import dev.berth.api.http.HttpInput;
import dev.berth.api.http.HttpLimits;
import dev.berth.api.http.ResponseHead;
import dev.berth.oci.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;

/**
 * The small engine API client shared by the {@code berth} CLI and the desktop app. One connection per call:
 * simple, and cheap on a unix socket. Speaks the Docker Engine API at {@link #API_VERSION}.
 */
public final class EngineClient {
    public static final String API_VERSION = "1.44";

    private final DockerHost host;

    public EngineClient(DockerHost host) {
        this.host = host;
    }

    public DockerHost host() {
        return host;
    }

    /** True if the engine answers {@code GET /_ping} with {@code OK}. */
    public boolean ping() {
        try (EngineResponse r = send("GET", "/_ping", null, null)) {
            return r.status() == 200 && new String(r.bytes(), StandardCharsets.UTF_8).equals("OK");
        } catch (IOException e) {
            return false;
        }
    }

    public JsonNode version() throws IOException {
        return getJson("/version");
    }

    public JsonNode getJson(String path) throws IOException {
        return json(send("GET", versioned(path), null, null));
    }

    public JsonNode postJson(String path, Object body) throws IOException {
        byte[] bytes = body == null ? null : Json.write(body);
        return json(send("POST", versioned(path), bytes == null ? null : "application/json", bytes));
    }

    /** Sends a request; the caller owns (and must close) the response. */
    public EngineResponse send(String method, String target, String contentType, byte[] body) throws IOException {
        HttpHeaders h = new HttpHeaders().add("Host", "berth").add("User-Agent", "berth-client");
        if (body != null) {
            h.add("Content-Type", contentType).add("Content-Length", Integer.toString(body.length));
        }
        return exchange(method, target, h, body);
    }

    /** Sends a request with the given headers and reads the response head. */
    public EngineResponse exchange(String method, String target, HttpHeaders headers, byte[] body)
            throws IOException {
        SocketChannel ch = host.connect();
        try {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch));
            HttpCodec.writeRequestHead(out, method, target, headers);
            if (body != null) {
                out.write(body);
            }
            out.flush();
            HttpInput in = new HttpInput(Channels.newInputStream(ch));
            ResponseHead head = HttpCodec.readResponse(in, HttpLimits.DEFAULT);
            InputStream responseBody = HttpCodec.responseBody(head, method, in, HttpLimits.DEFAULT);
            return new EngineResponse(head, responseBody, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Opens a hijacked stream (attach, exec start): the request asks for {@code Upgrade: tcp}; after the
     * engine's {@code 101} the connection carries the process's output one way and its stdin the other.
     */
    public Hijacked hijack(String target, byte[] body) throws IOException {
        HttpHeaders h = new HttpHeaders().add("Host", "berth").add("User-Agent", "berth-client")
                .add("Connection", "Upgrade").add("Upgrade", "tcp")
                .add("Content-Type", body == null ? "text/plain" : "application/json")
                .add("Content-Length", Integer.toString(body == null ? 0 : body.length));
        SocketChannel ch = host.connect();
        try {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch));
            HttpCodec.writeRequestHead(out, "POST", target, h);
            if (body != null) {
                out.write(body);
            }
            out.flush();
            HttpInput in = new HttpInput(Channels.newInputStream(ch));
            ResponseHead head = HttpCodec.readResponse(in, HttpLimits.DEFAULT);
            if (head.status() != 101 && head.status() != 200) {
                byte[] err = HttpCodec.responseBody(head, "POST", in, HttpLimits.DEFAULT).readAllBytes();
                throw new EngineApiException(head.status(), errorMessage(err));
            }
            return new Hijacked(in, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public static String versioned(String path) {
        return "/v" + API_VERSION + path;
    }

    static JsonNode json(EngineResponse r) throws IOException {
        try (r) {
            byte[] bytes = r.bytes();
            if (r.status() >= 400) {
                throw new EngineApiException(r.status(), errorMessage(bytes));
            }
            return Json.mapper().readTree(bytes);
        }
    }

    static String errorMessage(byte[] body) {
        try {
            JsonNode n = Json.mapper().readTree(body);
            if (n.has("message")) {
                return n.get("message").asString();
            }
        } catch (RuntimeException notJson) {
            // fall through: some errors are plain text
        }
        return new String(body, StandardCharsets.UTF_8).trim();
    }
}
