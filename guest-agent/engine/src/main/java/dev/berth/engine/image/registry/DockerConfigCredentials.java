package dev.berth.engine.image.registry;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Default credentials from the docker CLI's {@code config.json}: {@code credHelpers} (per registry), then
 * {@code credsStore} (all registries), then the inline {@code auths}. Keys are matched the way the CLI
 * matches them: by host, whatever scheme or path a key carries ({@code https://host/v2/} is {@code host}),
 * with Docker Hub's names ({@code https://index.docker.io/v1/}, {@code docker.io}, {@code index.docker.io})
 * treated as one. The file is re-read whenever its modification time or size changes, so a
 * {@code docker login} while the engine runs takes effect at once.
 */
public final class DockerConfigCredentials implements CredentialSource {
    private static final Logger LOG = LoggerFactory.getLogger(DockerConfigCredentials.class);
    static final long MAX_CONFIG_SIZE = 1 << 20;
    private static final String HUB = "index.docker.io";

    private record Parsed(Map<String, Credentials> auths, Map<String, String> credHelpers, String credsStore) {
        static final Parsed EMPTY = new Parsed(Map.of(), Map.of(), null);
    }

    private record Snapshot(FileTime modified, long size, Parsed parsed) {}

    private final Path file;
    private final CredentialHelpers helpers;
    private volatile Snapshot snapshot;

    /** Reads {@code configDir/config.json}, running helpers found on the PATH. */
    public DockerConfigCredentials(Path configDir) {
        this(configDir, name -> List.of("docker-credential-" + name, "get"));
    }

    DockerConfigCredentials(Path configDir, Function<String, List<String>> helperCommand) {
        this.file = configDir.resolve("config.json");
        this.helpers = new CredentialHelpers(helperCommand);
    }

    @Override
    public Credentials lookup(String registryHost) {
        String host = canonical(registryHost);
        if (host.isEmpty()) {
            return Credentials.none();
        }
        Parsed cfg = current();
        String helper = cfg.credHelpers().getOrDefault(host, cfg.credsStore());
        if (helper != null) {
            Credentials c = helpers.get(helper, host.equals(HUB) ? RegistryHost.HUB_CREDENTIAL_KEY : host);
            if (!c.isEmpty()) {
                return c;
            }
        }
        return cfg.auths().getOrDefault(host, Credentials.none());
    }

    /** The host a key names; every name of Docker Hub becomes {@code index.docker.io}. */
    static String canonical(String key) {
        String host = RegistryHost.hostOfServerAddress(key);
        return RegistryHost.HUB_ALIASES.contains(host) ? HUB : host;
    }

    private Parsed current() {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException absent) {
            return Parsed.EMPTY;
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.getMessage());
            return Parsed.EMPTY;
        }
        Snapshot s = snapshot;
        if (s != null && s.modified().equals(attrs.lastModifiedTime()) && s.size() == attrs.size()) {
            return s.parsed();
        }
        Parsed parsed = read(attrs.size());
        snapshot = new Snapshot(attrs.lastModifiedTime(), attrs.size(), parsed);
        return parsed;
    }

    private Parsed read(long size) {
        if (size > MAX_CONFIG_SIZE) {
            LOG.warn("ignoring {}: larger than {} bytes", file, MAX_CONFIG_SIZE);
            return Parsed.EMPTY;
        }
        try {
            return parse(Json.mapper().readTree(Files.readAllBytes(file)));
        } catch (IOException | JacksonException e) {
            LOG.warn("ignoring {}: {}", file, e instanceof JacksonException ? "not valid JSON" : e.getMessage());
            return Parsed.EMPTY;
        }
    }

    private Parsed parse(JsonNode doc) {
        if (doc == null || !doc.isObject()) {
            return Parsed.EMPTY;
        }
        Map<String, Credentials> auths = new HashMap<>();
        Map<String, Boolean> exact = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : doc.path("auths").properties()) {
            String host = canonical(e.getKey());
            Credentials c = entry(e.getKey(), e.getValue());
            // "host" or Hub's v1 URL is what `docker login` writes; prefer it over "https://host/v2/" forms.
            boolean isExact = e.getKey().toLowerCase(Locale.ROOT).equals(host)
                    || e.getKey().equals(RegistryHost.HUB_CREDENTIAL_KEY);
            if (c != null && !host.isEmpty() && (!auths.containsKey(host) || (isExact && !exact.get(host)))) {
                auths.put(host, c);
                exact.put(host, isExact);
            }
        }
        Map<String, String> credHelpers = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : doc.path("credHelpers").properties()) {
            if (e.getValue().isString() && CredentialHelpers.isValidName(e.getValue().asString())) {
                credHelpers.put(canonical(e.getKey()), e.getValue().asString());
            }
        }
        String store = doc.path("credsStore").isString() ? doc.path("credsStore").asString() : null;
        return new Parsed(Map.copyOf(auths), Map.copyOf(credHelpers),
                CredentialHelpers.isValidName(store) ? store : null);
    }

    /** One {@code auths} entry; {@code auth} (base64 of user:password) wins over username/password, as in the CLI. */
    private Credentials entry(String key, JsonNode v) {
        if (!v.isObject()) {
            return null;
        }
        Credentials c = new Credentials(str(v, "username"), str(v, "password"), str(v, "identitytoken"),
                str(v, "registrytoken"));
        String auth = str(v, "auth");
        if (auth != null) {
            try {
                c = Credentials.withAuthField(c, auth);
            } catch (InvalidArgumentException malformed) {
                LOG.warn("ignoring the malformed \"auth\" of {} in {}", key, file);
            }
        }
        return c.isEmpty() ? null : c;
    }

    private static String str(JsonNode v, String field) {
        JsonNode n = v.get(field);
        return n != null && n.isString() ? n.asString() : null;
    }
}
