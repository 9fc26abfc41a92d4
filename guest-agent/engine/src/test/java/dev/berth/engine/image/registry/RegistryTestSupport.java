package dev.berth.engine.image.registry;

import dev.berth.engine.image.Reference;
import dev.berth.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;

/** Shared pieces of the registry client's unit tests. */
final class RegistryTestSupport {
    static final String UNAUTHORIZED_BODY =
            "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":null}]}";
    static final String OCI_MANIFEST = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
            "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":2},\
            "layers":[]}""".formatted("4".repeat(64));

    private RegistryTestSupport() {}

    static RegistryConfig config(String... insecure) {
        return new RegistryConfig(List.of(insecure), Duration.ofSeconds(2), "berth-test", Path.of("/nonexistent"));
    }

    static RegistryClient client(String... insecure) {
        return new RegistryClient(config(insecure), CredentialSource.none());
    }

    static Reference ref(FakeServer registry, String path) {
        return Reference.parse(registry.hostPort() + "/" + path);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString(utf8(user + ":" + password));
    }

    static Digest digestOf(String s) {
        return Digest.sha256(utf8(s));
    }

    /** A route that answers 401 with {@code challenge} unless the Authorization header passes {@code ok}. */
    static FakeServer.Route guarded(Predicate<String> ok, String challenge, FakeServer.Route inner) {
        return req -> ok.test(req.header("Authorization")) ? inner.answer(req)
                : FakeServer.Reply.json(401, UNAUTHORIZED_BODY).with("WWW-Authenticate", challenge);
    }

    static FakeServer.Route manifest(String body) {
        return req -> FakeServer.Reply.bytes(200, utf8(body))
                .with("Content-Type", "application/vnd.oci.image.manifest.v1+json");
    }

    static String bearerChallenge(FakeServer tokenServer) {
        return "Bearer realm=\"" + tokenServer.uri("/token") + "\",service=\"fake-registry\"";
    }

    /** A clock the test moves by hand, to see tokens expire. */
    static final class MutableClock implements InstantSource {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }
}
