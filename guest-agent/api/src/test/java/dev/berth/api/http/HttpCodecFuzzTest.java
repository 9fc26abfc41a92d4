package dev.berth.api.http;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random mutations of real requests: the parser must either produce a message or fail with an
 * {@link HttpException} / {@link EOFException} — never another exception, never a hang. The seed is fixed so
 * a failure reproduces; the corpus covers heads, chunked bodies and raw garbage.
 */
class HttpCodecFuzzTest {
    static final String[] CORPUS = {
        "HEAD /_ping HTTP/1.1\r\nHost: api.moby.localhost\r\n\r\n",
        "POST /v1.44/containers/create?name=x HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"Cmd\":[1]}",
        "POST /v1.44/build?t=a&t=b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        "POST /v1.44/containers/c/attach?stream=1&stdin=1 HTTP/1.1\r\nUpgrade: tcp\r\nConnection: Upgrade\r\n\r\nraw",
        "GET /v1.44/events?filters=%7B%22type%22%3A%7B%22container%22%3Atrue%7D%7D HTTP/1.1\r\n\r\n",
    };

    @Test
    void mutatedRequestsNeverCrashOrHangTheParser() {
        SplittableRandom random = new SplittableRandom(20261122);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 200_000; i++) {
                byte[] input = mutate(CORPUS[random.nextInt(CORPUS.length)].getBytes(StandardCharsets.ISO_8859_1),
                        random);
                parseAll(input);
            }
        });
    }

    static void parseAll(byte[] input) {
        HttpInput in = new HttpInput(new ByteArrayInputStream(input), 64);
        HttpLimits limits = new HttpLimits(256, 1024, 20, 64);
        try {
            for (int n = 0; n < 8; n++) {
                RequestHead h = HttpCodec.readRequest(in, limits);
                if (h == null) {
                    return;
                }
                h.query();
                InputStream body = HttpCodec.requestBody(h, in, limits);
                body.transferTo(java.io.OutputStream.nullOutputStream());
            }
        } catch (HttpException | EOFException expected) {
            // refused cleanly
        } catch (IllegalArgumentException expected) {
            // bad percent-encoding in the query: the server maps this to 400 as well
        } catch (IOException e) {
            throw new AssertionError("unexpected I/O failure on " + printable(input), e);
        } catch (RuntimeException e) {
            throw new AssertionError("parser crashed on " + printable(input), e);
        }
    }

    static byte[] mutate(byte[] seed, SplittableRandom r) {
        byte[] b = seed.clone();
        int ops = 1 + r.nextInt(4);
        for (int i = 0; i < ops; i++) {
            switch (r.nextInt(5)) {
                case 0 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
                case 2 -> {
                    int at = r.nextInt(b.length + 1);
                    byte[] junk = new byte[r.nextInt(1, 300)];
                    r.nextBytes(junk);
                    byte[] out = new byte[b.length + junk.length];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(junk, 0, out, at, junk.length);
                    System.arraycopy(b, at, out, at + junk.length, b.length - at);
                    b = out;
                }
                case 3 -> b[r.nextInt(b.length)] = (byte) "\r\n :;0fF-".charAt(r.nextInt(9));
                default -> {
                    byte[] out = new byte[b.length * 2];
                    System.arraycopy(b, 0, out, 0, b.length);
                    System.arraycopy(b, 0, out, b.length, b.length);
                    b = out;
                }
            }
            if (b.length == 0) {
                return b;
            }
        }
        return b;
    }

    static String printable(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
    }
}
