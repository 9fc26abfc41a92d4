package dev.berth.engine.api;

import dev.berth.api.http.HttpHeaders;
import dev.berth.api.http.HttpInput;
import dev.berth.api.http.Query;
import dev.berth.api.http.RequestHead;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import tools.jackson.core.JacksonException;

/** An API request as handlers see it: the path without its {@code /vX.Y} prefix, parameters, body. */
public final class Request {
    /** JSON request bodies are small (a container create is a few KiB); anything bigger is refused. */
    static final int MAX_JSON_BODY = 4 << 20;

    private final RequestHead head;
    private final String path;
    private final ApiVersion version;
    private final Map<String, String> params;
    private final InputStream body;
    private final HttpInput raw;
    private final Query query;

    Request(RequestHead head, String path, ApiVersion version, Map<String, String> params, InputStream body,
            HttpInput raw) {
        this.head = head;
        this.path = path;
        this.version = version;
        this.params = params;
        this.body = body;
        this.raw = raw;
        this.query = head.query();
    }

    public String method() {
        return head.method();
    }

    /** The path with any {@code /vX.Y} prefix removed. */
    public String path() {
        return path;
    }

    public ApiVersion version() {
        return version;
    }

    public String param(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new IllegalStateException("route has no parameter " + name);
        }
        return v;
    }

    public Query query() {
        return query;
    }

    public boolean flag(String name, boolean fallback) {
        try {
            return query.bool(name, fallback);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(e.getMessage());
        }
    }

    public HttpHeaders headers() {
        return head.headers();
    }

    public InputStream body() {
        return body;
    }

    /** The connection's input: for hijacked streams (stdin), which continue after the request body. */
    public java.io.InputStream hijackedInput() {
        return raw;
    }

    public boolean wantsUpgrade() {
        return head.headers().hasToken("Connection", "upgrade") || head.headers().contains("Upgrade");
    }

    /** Parses the body as JSON; an empty body yields null. Unknown fields and explicit nulls are fine. */
    public <T> T json(Class<T> type) throws IOException {
        byte[] bytes = body.readNBytes(MAX_JSON_BODY + 1);
        if (bytes.length > MAX_JSON_BODY) {
            throw new InvalidArgumentException("request body larger than " + MAX_JSON_BODY + " bytes");
        }
        if (bytes.length == 0) {
            return null;
        }
        try {
            return Json.mapper().readValue(bytes, type);
        } catch (JacksonException e) {
            throw new InvalidArgumentException("invalid JSON: " + e.getOriginalMessage());
        }
    }
}
