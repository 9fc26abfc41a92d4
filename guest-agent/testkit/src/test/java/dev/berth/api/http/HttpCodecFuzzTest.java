package dev.berth.api.http;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import dev.berth.testkit.Mutations;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random mutations of real requests: the parser must either produce a message or fail with an
 * {@link HttpException} / {@link EOFException} — never another exception, never a hang. The seed is fixed so
 * a failure reproduces; the corpus covers heads, chunked bodies and raw garbage. (In the test kit's tests
 * because the mutations are shared with the engine's live-socket fuzz.)
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
                byte[] input = Mutations.mutate(CORPUS[random.nextInt(CORPUS.length)].getBytes(StandardCharsets.ISO_8859_1),
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
            throw new AssertionError("unexpected I/O failure on " + Mutations.printable(input), e);
        } catch (RuntimeException e) {
            throw new AssertionError("parser crashed on " + Mutations.printable(input), e);
        }
    }
}
