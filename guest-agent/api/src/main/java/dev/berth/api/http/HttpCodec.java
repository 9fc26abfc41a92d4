package dev.berth.api.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Parsing and writing of HTTP/1.1 message heads, and choice of body framing. Deliberately strict about
 * everything that could let two parties disagree on where a message ends (request smuggling): conflicting
 * lengths, unknown transfer codings, folded or malformed header lines are all refused.
 */
public final class HttpCodec {
    private HttpCodec() {}

    /** Reads a request head, or returns null if the peer closed the connection cleanly between requests. */
    public static RequestHead readRequest(HttpInput in, HttpLimits limits) throws IOException {
        String line;
        int blank = 0;
        do {
            line = in.readLine(limits.maxStartLine(), 414);
            if (line == null) {
                return null;
            }
        } while (line.isEmpty() && ++blank < 4); // RFC 9112: ignore stray CRLFs before a request
        String[] parts = line.split(" ", -1);
        if (parts.length != 3) {
            throw new HttpException(400, "malformed request line");
        }
        String method = parts[0];
        String target = parts[1];
        String version = parts[2];
        if (!isToken(method)) {
            throw new HttpException(400, "malformed request method");
        }
        if (!target.startsWith("/") || !isVisibleAscii(target)) {
            throw new HttpException(400, "malformed request target");
        }
        checkVersion(version);
        return new RequestHead(method, target, version, readHeaders(in, limits));
    }

    public static ResponseHead readResponse(HttpInput in, HttpLimits limits) throws IOException {
        String line = in.readLine(limits.maxStartLine(), 502);
        if (line == null) {
            throw new java.io.EOFException("connection closed before a response");
        }
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
            throw new HttpException(502, "malformed status line: " + line);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new HttpException(502, "malformed status code: " + line);
        }
        return new ResponseHead(parts[0], status, parts.length == 3 ? parts[2] : "", readHeaders(in, limits));
    }

    /** The request body as its framing says: chunked, fixed length, or empty. */
    public static InputStream requestBody(RequestHead head, HttpInput in, HttpLimits limits) throws IOException {
        return body(head.headers(), in, limits, false);
    }

    /** The response body; {@code requestMethod} matters because HEAD responses have none. */
    public static InputStream responseBody(ResponseHead head, String requestMethod, HttpInput in, HttpLimits limits)
            throws IOException {
        int s = head.status();
        if (requestMethod.equals("HEAD") || (s >= 100 && s < 200) || s == 204 || s == 304) {
            return InputStream.nullInputStream();
        }
        return body(head.headers(), in, limits, true);
    }

    private static InputStream body(HttpHeaders h, HttpInput in, HttpLimits limits, boolean untilEof)
            throws IOException {
        List<String> te = h.all("Transfer-Encoding");
        List<String> cl = h.all("Content-Length");
        if (!te.isEmpty()) {
            if (!cl.isEmpty()) {
                throw new HttpException(400, "both Transfer-Encoding and Content-Length");
            }
            if (te.size() != 1 || !te.get(0).trim().equalsIgnoreCase("chunked")) {
                throw new HttpException(501, "unsupported transfer encoding: " + String.join(",", te));
            }
            return new ChunkedInputStream(in, limits);
        }
        if (!cl.isEmpty()) {
            return new FixedLengthInputStream(in, contentLength(cl));
        }
        return untilEof ? in : InputStream.nullInputStream();
    }

    private static long contentLength(List<String> values) throws HttpException {
        long length = -1;
        for (String v : values) {
            for (String part : v.split(",")) {
                String t = part.trim();
                if (t.isEmpty() || t.length() > 18 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new HttpException(400, "invalid Content-Length");
                }
                long n = Long.parseLong(t);
                if (length >= 0 && n != length) {
                    throw new HttpException(400, "conflicting Content-Length values");
                }
                length = n;
            }
        }
        return length;
    }

    public static void writeRequestHead(OutputStream out, String method, String target, HttpHeaders headers)
            throws IOException {
        StringBuilder sb = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        appendHeaders(sb, headers);
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    public static void writeResponseHead(OutputStream out, int status, HttpHeaders headers) throws IOException {
        writeResponseHead(out, status, reason(status), headers);
    }

    public static void writeResponseHead(OutputStream out, int status, String reason, HttpHeaders headers)
            throws IOException {
        StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
        appendHeaders(sb, headers);
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void appendHeaders(StringBuilder sb, HttpHeaders headers) {
        headers.forEach((n, v) -> {
            if (!isToken(n) || v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("refusing to write an invalid header field: " + n);
            }
            sb.append(n).append(": ").append(v).append("\r\n");
        });
        sb.append("\r\n");
    }

    private static HttpHeaders readHeaders(HttpInput in, HttpLimits limits) throws IOException {
        HttpHeaders headers = new HttpHeaders();
        int total = 0;
        while (true) {
            String line = in.readLine(limits.maxHeaderBytes(), 431);
            if (line == null) {
                throw new HttpException(400, "connection closed inside the header block");
            }
            if (line.isEmpty()) {
                return headers;
            }
            total += line.length() + 2;
            if (total > limits.maxHeaderBytes()) {
                throw new HttpException(431, "header block larger than " + limits.maxHeaderBytes() + " bytes");
            }
            if (headers.size() >= limits.maxHeaders()) {
                throw new HttpException(431, "more than " + limits.maxHeaders() + " header fields");
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new HttpException(400, "folded header lines are not accepted");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new HttpException(400, "malformed header line");
            }
            String value = line.substring(colon + 1).strip();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw new HttpException(400, "control character in header value");
                }
            }
            headers.add(line.substring(0, colon), value);
        }
    }

    private static void checkVersion(String version) throws HttpException {
        if (version.equals("HTTP/1.1") || version.equals("HTTP/1.0")) {
            return;
        }
        if (version.matches("HTTP/\\d\\.\\d")) {
            throw new HttpException(505, "HTTP version not supported: " + version);
        }
        throw new HttpException(400, "malformed HTTP version");
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isVisibleAscii(String s) {
        return s.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    public static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 206 -> "Partial Content";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }
}
