package dev.berth.engine.image.registry;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated WWW-Authenticate values: the parser must return or throw IllegalArgumentException,
 * nothing else, and stay fast on hostile input (like containerd's FuzzParseAuthHeader). The seed is fixed so
 * a failure reproduces.
 */
class AuthChallengeFuzzTest {
    static final String[] CORPUS = {
        "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\"",
        "Basic realm=\"Registry Realm\"",
        "Basic realm=\"a, b\", Bearer realm=\"https://t/x\", scope=\"repository:a:pull,push\",Negotiate",
        "Bearer realm=\"say \\\"hi\\\"\",error=\"invalid_token\",error_description=\"expired\"",
        "Custom abc+/def==, Basic realm=registry",
        "Bearer realm=https://t,service=s",
    };
    static final String ALPHABET = "aB =,\"\\\t;:/+=-_.~!#$%&'*^`|0\u00e9\u0000\r\n";

    @Test
    void mutatedHeadersOnlyEverThrowIllegalArgumentException() {
        SplittableRandom random = new SplittableRandom(20261123);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 300_000; i++) {
                String input = i % 5 == 0 ? randomString(random) : mutate(CORPUS[random.nextInt(CORPUS.length)], random);
                parseQuietly(input);
            }
        });
    }

    @Test
    void pathologicalInputsFinishQuickly() {
        int n = AuthChallenge.MAX_HEADER_LENGTH - 16;
        String[] inputs = {
            ",".repeat(n), "\"".repeat(n), "Bearer " + "a=b,".repeat(n / 4), "Bearer realm=\"" + "\\\"".repeat(n / 2),
            "a ".repeat(n / 2), "Bearer " + "a=\"b\", ".repeat(n / 7), "x".repeat(n), "Basic " + "=".repeat(n),
            "B a=b," + " ".repeat(n - 8) + "c", "a " + ", b".repeat(n / 3),
        };
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int round = 0; round < 20; round++) {
                for (String input : inputs) {
                    parseQuietly(input);
                }
            }
        });
    }

    private static void parseQuietly(String input) {
        try {
            AuthChallenge.parse(input).forEach(c -> {
                if (c.scheme().isEmpty()) {
                    throw new AssertionError("empty scheme parsed from " + printable(input));
                }
            });
        } catch (IllegalArgumentException expected) {
            // refused cleanly
        } catch (RuntimeException e) {
            throw new AssertionError("parser crashed on " + printable(input), e);
        }
    }

    static String mutate(String seed, SplittableRandom random) {
        StringBuilder b = new StringBuilder(seed);
        int edits = 1 + random.nextInt(6);
        for (int e = 0; e < edits && !b.isEmpty(); e++) {
            int at = random.nextInt(b.length());
            switch (random.nextInt(5)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                case 2 -> b.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                case 3 -> b.setLength(at);
                default -> {
                    int from = random.nextInt(b.length());
                    int len = Math.min(random.nextInt(20), b.length() - from);
                    b.insert(at, b.substring(from, from + len));
                }
            }
        }
        return b.toString();
    }

    static String randomString(SplittableRandom random) {
        StringBuilder b = new StringBuilder();
        int len = random.nextInt(64);
        for (int i = 0; i < len; i++) {
            b.append(random.nextInt(8) == 0 ? (char) random.nextInt(0x3000) : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    static String printable(String s) {
        return s.codePoints().mapToObj(c -> c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\u%04x", c))
                .reduce("", String::concat);
    }
}
