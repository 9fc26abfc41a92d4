package dev.berth.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HttpCodecTest {

    static HttpInput input(String s) {
        return new HttpInput(new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)));
    }

    static RequestHead parse(String s) throws IOException {
        return HttpCodec.readRequest(input(s), HttpLimits.DEFAULT);
    }

    @Test
    void parsesTheCliPing() throws IOException {
        RequestHead h = parse("HEAD /_ping HTTP/1.1\r\nHost: api.moby.localhost\r\nUser-Agent: Docker-Client/28.2.2 (linux)\r\n\r\n");
        assertEquals("HEAD", h.method());
        assertEquals("/_ping", h.path());
        assertEquals("Docker-Client/28.2.2 (linux)", h.headers().first("user-agent").orElseThrow());
        assertTrue(h.keepAlive());
    }

    @Test
    void acceptsAnEmptyHostHeaderAsThe2010CliSends() throws IOException {
        RequestHead h = parse("POST /v1.41/containers/x/attach?stream=1 HTTP/1.1\r\nHost: \r\n\r\n");
        assertEquals("", h.headers().first("Host").orElseThrow());
        assertEquals("1", h.query().get("stream").orElseThrow());
    }

    @Test
    void cleanEofBetweenRequestsIsNotAnError() throws IOException {
        assertNull(parse(""));
    }

    @Test
    void readsAChunkedBodyAndLeavesTheNextRequestInTheBuffer() throws IOException {
        HttpInput in = input("POST /build HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n"
                + "GET /_ping HTTP/1.1\r\n\r\n");
        RequestHead h = HttpCodec.readRequest(in, HttpLimits.DEFAULT);
        InputStream body = HttpCodec.requestBody(h, in, HttpLimits.DEFAULT);
        assertEquals("hello world", new String(body.readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("/_ping", HttpCodec.readRequest(in, HttpLimits.DEFAULT).path());
    }

    @Test
    void bytesAfterTheHeadStayReadableForHijackedStreams() throws IOException {
        HttpInput in = input("POST /attach HTTP/1.1\r\nContent-Length: 0\r\nUpgrade: tcp\r\n\r\nline-a\n");
        RequestHead h = HttpCodec.readRequest(in, HttpLimits.DEFAULT);
        assertEquals(0, HttpCodec.requestBody(h, in, HttpLimits.DEFAULT).readAllBytes().length);
        assertEquals("line-a\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "both lengths (smuggling)|POST / HTTP/1.1\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n|400",
        "conflicting lengths|POST / HTTP/1.1\\r\\nContent-Length: 3\\r\\nContent-Length: 4\\r\\n\\r\\n|400",
        "negative length|POST / HTTP/1.1\\r\\nContent-Length: -1\\r\\n\\r\\n|400",
        "unknown coding|POST / HTTP/1.1\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n|501",
        "folded header|GET / HTTP/1.1\\r\\nA: b\\r\\n c\\r\\n\\r\\n|400",
        "space before colon|GET / HTTP/1.1\\r\\nHost : x\\r\\n\\r\\n|400",
        "no colon|GET / HTTP/1.1\\r\\nHost\\r\\n\\r\\n|400",
        "bare CR|GET / HTTP/1.1\\r\\nA: b\\rc\\r\\n\\r\\n|400",
        "absolute target|GET http://x/ HTTP/1.1\\r\\n\\r\\n|400",
        "two spaces|GET  / HTTP/1.1\\r\\n\\r\\n|400",
        "http/2|GET / HTTP/2.0\\r\\n\\r\\n|505",
        "garbage version|GET / FTP\\r\\n\\r\\n|400",
        "truncated head|GET / HTTP/1.1\\r\\nHost: x\\r\\n|400",
        "nul in value|GET / HTTP/1.1\\r\\nA: \\u0000\\r\\n\\r\\n|400",
    })
    void refusesAmbiguousOrMalformedRequests(String name, String raw, int status) {
        String req = raw.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0000", "\0");
        HttpException e = assertThrows(HttpException.class, () -> {
            HttpInput in = input(req);
            RequestHead h = HttpCodec.readRequest(in, HttpLimits.DEFAULT);
            HttpCodec.requestBody(h, in, HttpLimits.DEFAULT).readAllBytes();
        });
        assertEquals(status, e.status(), name + ": " + e.getMessage());
    }

    @Test
    void enforcesLimits() {
        HttpLimits small = new HttpLimits(64, 256, 5, 32);
        assertEquals(414, assertThrows(HttpException.class, () -> HttpCodec.readRequest(
                input("GET /" + "a".repeat(100) + " HTTP/1.1\r\n\r\n"), small)).status());
        assertEquals(431, assertThrows(HttpException.class, () -> HttpCodec.readRequest(
                input("GET / HTTP/1.1\r\nA: " + "b".repeat(300) + "\r\n\r\n"), small)).status());
        assertEquals(431, assertThrows(HttpException.class, () -> HttpCodec.readRequest(
                input("GET / HTTP/1.1\r\n" + "A: b\r\n".repeat(6) + "\r\n"), small)).status());
        assertThrows(HttpException.class, () -> {
            HttpInput in = input("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + "0".repeat(40) + "1\r\n");
            HttpCodec.requestBody(HttpCodec.readRequest(in, small), in, small).read();
        });
    }

    @Test
    void chunkSizeOverflowIsRefused() {
        assertThrows(HttpException.class, () -> {
            HttpInput in = input("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n");
            HttpCodec.requestBody(HttpCodec.readRequest(in, HttpLimits.DEFAULT), in, HttpLimits.DEFAULT).read();
        });
    }

    @Test
    void chunkedOutputRoundTrips() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ChunkedOutputStream out = new ChunkedOutputStream(buf)) {
            out.write("{\"status\":\"a\"}\r\n".getBytes());
            out.write(new byte[0]);
            out.write("{\"status\":\"b\"}\r\n".getBytes());
        }
        ChunkedInputStream in = new ChunkedInputStream(
                new HttpInput(new ByteArrayInputStream(buf.toByteArray())), HttpLimits.DEFAULT);
        assertEquals("{\"status\":\"a\"}\r\n{\"status\":\"b\"}\r\n", new String(in.readAllBytes()));
    }

    @Test
    void refusesToWriteHeaderInjection() {
        assertThrows(IllegalArgumentException.class, () -> HttpCodec.writeResponseHead(new ByteArrayOutputStream(),
                200, new HttpHeaders().add("X", "a\r\nSet-Cookie: evil")));
    }

    @Test
    void http10ClosesUnlessAsked() throws IOException {
        assertFalse(parse("GET / HTTP/1.0\r\n\r\n").keepAlive());
        assertTrue(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keepAlive());
        assertFalse(parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keepAlive());
    }

    @Test
    void queryBooleansAcceptEveryClientSpelling() {
        Query q = Query.parse("a=1&b=True&c=False&d=0&e&f=true&t=x&t=y&n=%7B%22label%22%3A%5B%5D%7D");
        assertTrue(q.bool("a", false));
        assertTrue(q.bool("b", false));
        assertFalse(q.bool("c", true));
        assertFalse(q.bool("d", true));
        assertTrue(q.bool("e", false));
        assertTrue(q.bool("f", false));
        assertTrue(q.bool("missing", true));
        assertEquals(java.util.List.of("x", "y"), q.all("t"));
        assertEquals("{\"label\":[]}", q.get("n").orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> q.bool("t", false));
    }
}
