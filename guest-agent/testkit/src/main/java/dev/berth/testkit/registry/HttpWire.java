package dev.berth.testkit.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Just enough HTTP/1.1 framing for {@link FaultyRegistryProxy}: reading one request (Content-Length or chunked
 * body) from a client connection and writing a response head. Hand-written rather than an HTTP server library
 * because the proxy's faults need to decide, byte by byte, what reaches the client.
 */
final class HttpWire {
    static final int MAX_LINE = 16 * 1024;
    static final int MAX_HEADERS = 200;
    /** Bodies are held in memory; the fixtures' largest blob is 20 MiB, so this is generous. */
    static final long MAX_BODY = 512L << 20;

    private HttpWire() {}

    /** A request as read from the client. {@code target} is the origin-form path with its query. */
    record Request(String method, String target, String version, List<Map.Entry<String, String>> headers,
                   byte[] body) {
        Optional<String> header(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst();
        }

        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        String query() {
            int q = target.indexOf('?');
            return q < 0 ? null : target.substring(q + 1);
        }

        /** Whether the client wants the connection kept open after this exchange. */
        boolean keepAlive() {
            String connection = header("Connection").orElse("").toLowerCase(java.util.Locale.ROOT);
            return version.equals("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");
        }
    }

    /** Not HTTP: a TLS ClientHello (clients probing https first), garbage, or an oversized head. */
    static final class MalformedRequestException extends IOException {
        MalformedRequestException(String message) {
            super(message);
        }
    }

    /**
     * Reads the next request, or returns null when the client closed the connection between requests.
     * {@code out} receives the interim "100 Continue" a client asking for it waits for before sending a body.
     */
    static Request read(InputStream in, OutputStream out) throws IOException {
        in.mark(1);
        int first = in.read();
        if (first < 0) {
            return null;
        }
        if (first == 0x16) { // TLS handshake record: the client tries https before falling back to http
            throw new MalformedRequestException("tls handshake on a plain http port");
        }
        in.reset();
        String requestLine = readLine(in);
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new MalformedRequestException("bad request line: " + abbreviate(requestLine));
        }
        List<Map.Entry<String, String>> headers = readHeaders(in);
        Request head = new Request(parts[0], originForm(parts[1]), parts[2], headers, new byte[0]);
        if (head.header("Expect").filter(e -> e.equalsIgnoreCase("100-continue")).isPresent()) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        return new Request(head.method(), head.target(), head.version(), headers, readBody(in, head));
    }

    static List<Map.Entry<String, String>> readHeaders(InputStream in) throws IOException {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon <= 0 || headers.size() >= MAX_HEADERS) {
                throw new MalformedRequestException("bad header line: " + abbreviate(line));
            }
            headers.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
        }
        return headers;
    }

    private static byte[] readBody(InputStream in, Request head) throws IOException {
        String te = head.header("Transfer-Encoding").orElse("");
        if (te.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
            return readChunked(in);
        }
        long length = parseLength(head.header("Content-Length").orElse("0"));
        if (length > MAX_BODY) {
            throw new MalformedRequestException("request body of " + length + " bytes is over the proxy's limit");
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length != length) {
            throw new IOException("client closed the connection after " + body.length + " of " + length
                    + " body bytes");
        }
        return body;
    }

    /** Decodes a chunked body (docker pushes layers this way), discarding chunk extensions and trailers. */
    static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int semi = sizeLine.indexOf(';');
            String hex = (semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new MalformedRequestException("bad chunk size: " + abbreviate(sizeLine));
            }
            if (size == 0) {
                readHeaders(in); // trailers, if any, end with an empty line
                return body.toByteArray();
            }
            if (body.size() + size > MAX_BODY) {
                throw new MalformedRequestException("chunked body is over the proxy's limit");
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length != size) {
                throw new IOException("client closed the connection inside a chunk");
            }
            body.writeBytes(chunk);
            if (!readLine(in).isEmpty()) {
                throw new MalformedRequestException("chunk not followed by crlf");
            }
        }
    }

    /** Writes a status line and headers; the caller writes the body. */
    static void writeHead(OutputStream out, int status, List<Map.Entry<String, String>> headers)
            throws IOException {
        StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                .append("\r\n");
        for (Map.Entry<String, String> h : headers) {
            sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        out.write(sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed inside a request head");
            }
            if (line.size() >= MAX_LINE) {
                throw new MalformedRequestException("request line or header over " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 206 -> "Partial Content";
            case 307 -> "Temporary Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 416 -> "Range Not Satisfiable";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Status " + status;
        };
    }

    /** Absolute-form targets (sent to proxies) become origin-form, which is what the upstream expects. */
    private static String originForm(String target) {
        if (target.startsWith("http://") || target.startsWith("https://")) {
            int slash = target.indexOf('/', target.indexOf("//") + 2);
            return slash < 0 ? "/" : target.substring(slash);
        }
        return target;
    }

    private static long parseLength(String value) throws MalformedRequestException {
        try {
            long n = Long.parseLong(value.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new MalformedRequestException("bad content-length: " + abbreviate(value));
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
