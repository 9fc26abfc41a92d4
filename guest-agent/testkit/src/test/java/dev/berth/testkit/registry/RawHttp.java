package dev.berth.testkit.registry;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A deliberately dumb HTTP/1.1 client for the proxy tests: one request per connection, then everything the
 * server sends until it closes. java.net.http would hide exactly what these tests look at (how many bytes
 * arrived before the connection dropped).
 */
final class RawHttp {
    private RawHttp() {}

    record Response(int status, List<Map.Entry<String, String>> headers, byte[] body) {
        Optional<String> header(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst();
        }

        long contentLength() {
            return Long.parseLong(header("Content-Length").orElseThrow());
        }
    }

    static Response get(URI base, String path, Map<String, String> headers) throws IOException {
        return send(base, "GET", path, headers, null);
    }

    /** Sends a request with {@code Connection: close}; {@code rawBody} goes out as is (e.g. already chunked). */
    static Response send(URI base, String method, String path, Map<String, String> headers, byte[] rawBody)
            throws IOException {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n")
                    .append("Host: ").append(base.getRawAuthority()).append("\r\nConnection: close\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            OutputStream out = s.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            if (rawBody != null) {
                out.write(rawBody);
            }
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream());
            String statusLine = HttpWire.readLine(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            List<Map.Entry<String, String>> responseHeaders = HttpWire.readHeaders(in);
            // HEAD answers carry a Content-Length but no body; everything else is read until the server closes
            byte[] body = method.equals("HEAD") ? new byte[0] : in.readAllBytes();
            return new Response(status, responseHeaders, body);
        }
    }

    /** {@code body} in chunked transfer coding, split into pieces of {@code chunk} bytes. */
    static byte[] chunked(byte[] body, int chunk) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int off = 0; off < body.length; off += chunk) {
            int n = Math.min(chunk, body.length - off);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, off, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
