package dev.berth.engine.image;

import dev.berth.engine.api.Request;
import dev.berth.engine.api.Response;
import dev.berth.engine.api.Router;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.image.registry.Credentials;
import dev.berth.engine.image.registry.RegistryClient;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code POST /auth}: what {@code docker login} calls to check credentials against a registry. */
public final class AuthRoutes {
    /** The login body; unknown fields (email) are ignored. */
    record LoginRequest(String username, String password, String serveraddress, String identitytoken) {}

    private final RegistryClient registry;

    public AuthRoutes(RegistryClient registry) {
        this.registry = registry;
    }

    public void register(Router r) {
        r.post("/auth", this::login);
    }

    private void login(Request req, Response res) throws IOException {
        LoginRequest body = req.json(LoginRequest.class);
        if (body == null) {
            throw new InvalidArgumentException("login needs a JSON body with username and password");
        }
        String server = body.serveraddress() == null || body.serveraddress().isBlank()
                ? "https://index.docker.io/v1/" : body.serveraddress();
        Credentials creds = new Credentials(body.username(), body.password(), body.identitytoken(), null);
        String token = registry.login(server, creds);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("IdentityToken", token == null ? "" : token);
        out.put("Status", "Login Succeeded");
        res.json(200, out);
    }
}
