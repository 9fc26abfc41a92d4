package dev.berth.testkit.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.testkit.registry.HttpWire.MalformedRequestException;
import dev.berth.testkit.registry.HttpWire.Request;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpWireTest {
    private final ByteArrayOutputStream interim = new ByteArrayOutputStream();

    @Test
    void readsAContentLengthBodyAndLeavesTheNextRequestInTheStream() throws IOException {
        InputStream in = stream("PUT /v2/x/blobs/uploads/1?digest=sha256:ab HTTP/1.1\r\nHost: h\r\n"
                + "Content-Length: 5\r\n\r\nhelloGET /v2/ HTTP/1.1\r\n\r\n");
        Request put = HttpWire.read(in, interim);
        assertEquals("PUT", put.method());
        assertEquals("/v2/x/blobs/uploads/1", put.path());
        assertEquals("digest=sha256:ab", put.query());
        assertEquals("hello", new String(put.body(), StandardCharsets.UTF_8));
        Request get = HttpWire.read(in, interim);
        assertEquals("/v2/", get.target());
        assertEquals(0, get.body().length);
        assertNull(HttpWire.read(in, interim), "end of stream between requests is a clean close");
    }

    @Test
    void decodesChunkedBodiesWithExtensionsAndTrailers() throws IOException {
        InputStream in = stream("PATCH /v2/x/blobs/uploads/1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;ext=1\r\nWiki\r\n6\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-Trailer: t\r\n\r\n");
        Request r = HttpWire.read(in, interim);
        assertEquals("Wikipedia in \r\n\r\nchunks.", new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void answersExpectContinueBeforeReadingTheBody() throws IOException {
        Request r = HttpWire.read(stream("PUT /a HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok"),
                interim);
        assertArrayEquals("ok".getBytes(StandardCharsets.UTF_8), r.body());
        assertEquals("HTTP/1.1 100 Continue\r\n\r\n", interim.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void rejectsTlsHandshakesAndGarbage() {
        byte[] clientHello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};
        assertThrows(MalformedRequestException.class,
                () -> HttpWire.read(new BufferedInputStream(new ByteArrayInputStream(clientHello)), interim));
        assertThrows(MalformedRequestException.class, () -> HttpWire.read(stream("hello there\r\n\r\n"), interim));
        assertThrows(MalformedRequestException.class,
                () -> HttpWire.read(stream("GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), interim));
        assertThrows(MalformedRequestException.class,
                () -> HttpWire.read(stream("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), interim));
    }

    @Test
    void aBodyCutShortIsAnErrorNotATruncatedRequest() {
        IOException e = assertThrows(IOException.class,
                () -> HttpWire.read(stream("PUT / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"), interim));
        assertTrue(e.getMessage().contains("3 of 10"), e.getMessage());
    }

    @Test
    void absoluteFormTargetsBecomeOriginForm() throws IOException {
        Request r = HttpWire.read(stream("GET http://127.0.0.1:5000/v2/a/tags/list?n=1 HTTP/1.1\r\n\r\n"), interim);
        assertEquals("/v2/a/tags/list?n=1", r.target());
    }

    @Test
    void keepAliveFollowsTheHttpVersionAndConnectionHeader() throws IOException {
        assertTrue(HttpWire.read(stream("GET / HTTP/1.1\r\n\r\n"), interim).keepAlive());
        assertFalse(HttpWire.read(stream("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"), interim).keepAlive());
        assertFalse(HttpWire.read(stream("GET / HTTP/1.0\r\n\r\n"), interim).keepAlive());
        assertTrue(HttpWire.read(stream("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), interim).keepAlive());
    }

    @Test
    void writesAStatusLineAndHeaders() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HttpWire.writeHead(out, 206, List.of(Map.entry("Content-Length", "3"), Map.entry("X-A", "b")));
        assertEquals("HTTP/1.1 206 Partial Content\r\nContent-Length: 3\r\nX-A: b\r\n\r\n",
                out.toString(StandardCharsets.ISO_8859_1));
    }

    private static InputStream stream(String s) {
        return new BufferedInputStream(new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)));
    }
}
