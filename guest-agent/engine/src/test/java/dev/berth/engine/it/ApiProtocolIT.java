package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.testkit.EngineProcess;
import dev.berth.testkit.Requirements;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP layer as clients see it on the real socket: Docker's headers and error texts, keep-alive, chunked
 * bodies, and malformed input answered with 400 (never a hang or a crash), checked with a live fuzz.
 */
class ApiProtocolIT {
    static EngineProcess engine;

    @BeforeAll
    static void start() throws Exception {
        Requirements.requireRoot();
        engine = EngineProcess.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
    }

    /** Sends raw bytes, half-closes, and returns everything the server sends until it closes (max 5 s). */
    static String exchange(byte[] request) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(engine.socket()));
            ch.write(ByteBuffer.wrap(request));
            ch.shutdownOutput();
            CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(8192);
                try {
                    while (ch.read(buf) >= 0) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                } catch (IOException closed) {
                    // reset by the server: what we have is the answer
                }
                return out.toString(StandardCharsets.ISO_8859_1);
            });
            return read.get(5, TimeUnit.SECONDS);
        }
    }

    static String exchange(String request) throws Exception {
        return exchange(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void socketIsOwnerOnly() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(engine.socket())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(engine.socket().getParent())));
    }

    @Test
    void pingCarriesTheNegotiationHeaders() throws Exception {
        String r = exchange("HEAD /_ping HTTP/1.1\r\nHost: api.moby.localhost\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n"), r);
        for (String h : new String[] {"Api-Version: 1.44", "Builder-Version: 1", "Docker-Experimental: false",
            "Ostype: linux", "Content-Length: 0"}) {
            assertTrue(r.contains(h + "\r\n"), h + " in " + r);
        }
        assertTrue(exchange("GET /v1.44/_ping HTTP/1.1\r\nHost:\r\n\r\n").endsWith("\r\n\r\nOK"));
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
        String r = exchange("GET /_ping HTTP/1.1\r\nHost: x\r\n\r\nGET /v1.41/version HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /info HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(3, r.split("HTTP/1.1 200 OK", -1).length - 1, r);
    }

    @Test
    void versionsOutsideTheRangeGetDockersTexts() throws Exception {
        assertTrue(exchange("GET /v1.99/version HTTP/1.1\r\n\r\n")
                .contains("client version 1.99 is too new. Maximum supported API version is 1.44"));
        assertTrue(exchange("GET /v1.11/version HTTP/1.1\r\n\r\n")
                .contains("client version 1.11 is too old. Minimum supported API version is 1.24"));
    }

    @Test
    void unknownRoutesArePageNotFound() throws Exception {
        String r = exchange("GET /v1.44/swarm HTTP/1.1\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 404") && r.contains("{\"message\":\"page not found\"}"), r);
    }

    @Test
    void chunkedBodiesAreRead() throws Exception {
        String body = "{\"username\":\"u\",\"password\":\"p\",\"serveraddress\":\"127.0.0.1:1\"}";
        String r = exchange("POST /v1.44/auth HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n");
        assertTrue(r.contains("127.0.0.1:1"), "the body was parsed and used: " + r);
    }

    @Test
    void malformedRequestsGet400() throws Exception {
        for (String bad : new String[] {"GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nNo colon\r\n\r\n",
            "POST /auth HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            "GET /images/%zz/json HTTP/1.1\r\n\r\n", "POST /v1.44/auth HTTP/1.1\r\nContent-Length: 3\r\n\r\n{x:"}) {
            String r = exchange(bad);
            assertTrue(r.startsWith("HTTP/1.1 400"), bad + " -> " + r);
        }
        assertTrue(exchange("GET / HTTP/1.1\r\nX: " + "a".repeat(70_000) + "\r\n\r\n").startsWith("HTTP/1.1 431"));
        assertTrue(exchange("GET /" + "a".repeat(9000) + " HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 414"));
    }

    @Test
    void liveFuzzNeverHangsOrKillsTheServer() throws Exception {
        String[] corpus = {"GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST /v1.44/auth HTTP/1.1\r\nContent-Length: 15\r\n\r\n{\"username\":1}",
            "POST /v1.44/images/create?fromImage=x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "GET /v1.44/images/json?filters=%7B%22dangling%22%3A%5B%22true%22%5D%7D HTTP/1.1\r\n\r\n",
            "DELETE /v1.44/images/sha256:abc HTTP/1.1\r\n\r\n"};
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 1500; i++) {
            byte[] input = dev.berth.testkit.Mutations.mutate(
                    corpus[random.nextInt(corpus.length)].getBytes(StandardCharsets.ISO_8859_1), random);
            String r = exchange(input);
            assertTrue(r.isEmpty() || r.startsWith("HTTP/1.1 "), "answer to fuzz input " + i + ": " + r);
        }
        assertTrue(exchange("GET /_ping HTTP/1.1\r\n\r\n").endsWith("OK"), "still serving after the fuzz");
    }
}
