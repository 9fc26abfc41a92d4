package dev.berth.engine.image.registry;

import static dev.berth.engine.image.registry.RegistryTestSupport.UNAUTHORIZED_BODY;
import static dev.berth.engine.image.registry.RegistryTestSupport.basic;
import static dev.berth.engine.image.registry.RegistryTestSupport.bearerChallenge;
import static dev.berth.engine.image.registry.RegistryTestSupport.client;
import static dev.berth.engine.image.registry.RegistryTestSupport.guarded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.engine.errors.UnauthorizedException;
import dev.berth.engine.image.registry.FakeServer.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /auth: credentials are checked against /v2/ by Basic auth or the token flow. */
class RegistryLoginTest {
    FakeServer registry;
    FakeServer tokens;
    RegistryClient client;

    @BeforeEach
    void start() throws Exception {
        registry = FakeServer.start();
        tokens = FakeServer.start();
        client = client();
    }

    @AfterEach
    void stop() {
        client.close();
        registry.close();
        tokens.close();
    }

    private FakeServer.Route ok() {
        return req -> Reply.json(200, "{}");
    }

    @Test
    void aRegistryWithoutAuthAcceptsAnyLogin() {
        registry.on("GET", "/v2/", ok());
        assertNull(client.login(registry.hostPort(), Credentials.basic("any", "thing")));
    }

    @Test
    void basicAuthRegistriesCheckThePassword() {
        registry.on("GET", "/v2/", guarded(basic("alice", "right")::equals, "Basic realm=\"Registry Realm\"", ok()));
        assertNull(client.login("http://" + registry.hostPort() + "/v2/", Credentials.basic("alice", "right")));
        UnauthorizedException e = assertThrows(UnauthorizedException.class,
                () -> client.login(registry.hostPort(), Credentials.basic("alice", "wrong")));
        assertEquals("unauthorized: authentication required", e.getMessage());
    }

    @Test
    void theTokenFlowAsksForAnOfflineTokenAndReturnsIt() {
        registry.on("GET", "/v2/", guarded("Bearer t"::equals, bearerChallenge(tokens), ok()));
        tokens.on("GET", "/token", req -> basic("alice", "right").equals(req.header("Authorization"))
                ? Reply.json(200, "{\"token\":\"t\",\"refresh_token\":\"refresh-1\"}")
                : Reply.json(401, "{\"details\":\"incorrect username or password\"}"));
        assertEquals("refresh-1", client.login(registry.hostPort(), Credentials.basic("alice", "right")));
        Map<String, List<String>> q = tokens.seen.getFirst().params();
        assertEquals(List.of("true"), q.get("offline_token"));
        assertEquals(List.of(TokenClient.CLIENT_ID), q.get("client_id"));
        assertEquals(List.of("fake-registry"), q.get("service"));
        assertNull(q.get("scope"), "login asks for no repository scope");

        UnauthorizedException e = assertThrows(UnauthorizedException.class,
                () -> client.login(registry.hostPort(), Credentials.basic("alice", "wrong")));
        assertEquals("unauthorized: incorrect username or password", e.getMessage());
    }

    @Test
    void aTokenTheRegistryThenRefusesIsUnauthorized() {
        registry.on("GET", "/v2/", req -> Reply.json(401, UNAUTHORIZED_BODY).with("WWW-Authenticate", bearerChallenge(tokens)));
        tokens.on("GET", "/token", req -> Reply.json(200, "{\"token\":\"anonymous\"}"));
        assertThrows(UnauthorizedException.class, () -> client.login(registry.hostPort(), Credentials.none()));
    }

    @Test
    void anIdentityTokenLogsInWithARefreshTokenPost() {
        registry.on("GET", "/v2/", guarded("Bearer t2"::equals, bearerChallenge(tokens), ok()));
        tokens.on("POST", "/token", req -> {
            Map<String, List<String>> form = Forms.parse(new String(req.body(), StandardCharsets.UTF_8));
            return "refresh-1".equals(Forms.first(form, "refresh_token"))
                    && "offline".equals(Forms.first(form, "access_type"))
                    ? Reply.json(200, "{\"access_token\":\"t2\",\"refresh_token\":\"refresh-2\"}") : Reply.json(401, "{}");
        });
        assertEquals("refresh-2", client.login(registry.hostPort(), new Credentials(null, null, "refresh-1", null)));
    }
}
