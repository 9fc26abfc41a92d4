package dev.berth.engine.api;

import dev.berth.api.http.HttpCodec;
import dev.berth.api.http.HttpException;
import dev.berth.api.http.HttpInput;
import dev.berth.api.http.HttpLimits;
import dev.berth.api.http.RequestHead;
import dev.berth.engine.errors.EngineException;
import dev.berth.engine.errors.InvalidArgumentException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the requests of one client connection in order (HTTP/1.1 keep-alive), until the client closes it,
 * a handler takes it over (hijack), or a protocol error ends it.
 */
final class ApiConnection implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ApiConnection.class);
    private static final Pattern VERSIONED = Pattern.compile("^/v([0-9]+\\.[0-9]+)(/.*)$");
    /** Unread request bodies up to this size are skipped to keep the connection; bigger ones close it. */
    private static final long MAX_DRAIN = 64 * 1024;

    private final SocketChannel channel;
    private final Router router;
    private final HttpLimits limits;

    ApiConnection(SocketChannel channel, Router router, HttpLimits limits) {
        this.channel = channel;
        this.router = router;
        this.limits = limits;
    }

    @Override
    public void run() {
        try (channel) {
            HttpInput in = new HttpInput(Channels.newInputStream(channel));
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 16 * 1024);
            while (serveOne(in, out)) {
                // next request on the same connection
            }
        } catch (IOException e) {
            log.debug("connection ended: {}", e.toString());
        }
    }

    private boolean serveOne(HttpInput in, OutputStream out) throws IOException {
        RequestHead head;
        InputStream body;
        try {
            head = HttpCodec.readRequest(in, limits);
            if (head == null) {
                return false;
            }
            body = HttpCodec.requestBody(head, in, limits);
        } catch (HttpException e) {
            Response r = new Response(out);
            r.header("Connection", "close");
            r.json(e.status(), Map.of("message", e.getMessage()));
            return false;
        }
        Response response = new Response(out);
        dispatch(head, body, in, response);
        if (response.closeAfter() || !head.keepAlive()) {
            return false;
        }
        return drain(body);
    }

    private void dispatch(RequestHead head, InputStream body, HttpInput in, Response response) throws IOException {
        try {
            String path = decodePath(head.path());
            ApiVersion version = ApiVersion.MAX;
            Matcher m = VERSIONED.matcher(path);
            if (m.matches()) {
                version = checkVersion(m.group(1));
                path = m.group(2);
            }
            Router.Match match = router.match(head.method(), path);
            if (match.handler() == null) {
                response.json(match.pathKnown() ? 405 : 404,
                        Map.of("message", match.pathKnown() ? "method not allowed" : "page not found"));
                return;
            }
            match.handler().handle(new Request(head, path, version, match.params(), body, in), response);
            if (!response.committed()) {
                throw new IllegalStateException("handler for " + head.method() + " " + path + " sent no response");
            }
        } catch (HttpException e) {
            fail(response, e.status(), e, head);
        } catch (EngineException e) {
            fail(response, ErrorMapper.status(e), e, head);
        } catch (IOException e) {
            if (response.committed()) {
                throw e; // mid-stream: most likely the client went away; nothing more to say
            }
            // an engine-side I/O failure (a file, a helper process) before any answer: a 500 that says so
            log.warn("{} {} failed: {}", head.method(), head.path(), e.toString());
            fail(response, 500, e, head);
        } catch (Exception e) {
            log.error("{} {} failed", head.method(), head.path(), e);
            fail(response, 500, e, head);
        }
    }

    private static void fail(Response response, int status, Exception e, RequestHead head) throws IOException {
        if (response.committed()) {
            // Mid-stream: the status is gone; end the connection so the client sees the body is cut.
            response.closeConnection();
            log.debug("error after response head: {}", e.toString());
            return;
        }
        if (status == 304 || head.method().equals("HEAD")) {
            // a HEAD answer has no body: one sent anyway would be read as the next response (docker cp stats)
            response.empty(status);
        } else {
            response.json(status, Map.of("message", ErrorMapper.message(e)));
        }
    }

    private static ApiVersion checkVersion(String text) {
        ApiVersion v = ApiVersion.parse(text);
        if (v.compareTo(ApiVersion.MIN) < 0) {
            throw new InvalidArgumentException("client version " + text + " is too old. Minimum supported API version is "
                    + ApiVersion.MIN + ", please upgrade your client to a newer version");
        }
        if (v.compareTo(ApiVersion.MAX) > 0) {
            throw new InvalidArgumentException("client version " + text
                    + " is too new. Maximum supported API version is " + ApiVersion.MAX);
        }
        return v;
    }

    private static String decodePath(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("invalid percent-encoding in path");
        }
    }

    private static boolean drain(InputStream body) throws IOException {
        long skipped = 0;
        byte[] buf = new byte[8192];
        int n;
        while ((n = body.read(buf)) > 0) {
            skipped += n;
            if (skipped > MAX_DRAIN) {
                return false;
            }
        }
        return true;
    }
}
