package dev.berth.engine.image.registry;

import dev.berth.oci.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Runs docker credential helpers ({@code docker-credential-<name> get}, server URL on stdin, JSON
 * {@code {"Username","Secret"}} on stdout), the protocol of docker/docker-credential-helpers. A helper that
 * is missing, fails, hangs or prints garbage means "no credentials": a pull must not crash because a
 * keychain helper is not installed.
 */
final class CredentialHelpers {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialHelpers.class);
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final int MAX_OUTPUT = 64 * 1024;
    /** The name becomes part of an executable name: no path separators, nothing surprising. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** The helpers' own wording for "nothing stored" (credentials.errCredentialsNotFound). */
    private static final String NOT_FOUND = "credentials not found in native keychain";
    /** What the docker CLI stores as Username when the secret is an identity token. */
    static final String TOKEN_USERNAME = "<token>";

    private final Function<String, List<String>> command;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /** @param command the command line that runs the helper of a name, e.g. {@code docker-credential-pass get} */
    CredentialHelpers(Function<String, List<String>> command) {
        this.command = command;
    }

    static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    Credentials get(String helper, String serverUrl) {
        if (!isValidName(helper)) {
            warnOnce(helper, "ignoring credential helper with an invalid name: {}", helper);
            return Credentials.none();
        }
        Process p;
        try {
            p = new ProcessBuilder(command.apply(helper)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException missing) {
            warnOnce(helper, "credential helper docker-credential-{} is not available; using no credentials", helper);
            return Credentials.none();
        }
        try {
            return run(p, helper, serverUrl);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Credentials.none();
        } finally {
            p.destroyForcibly();
        }
    }

    private Credentials run(Process p, String helper, String serverUrl) throws InterruptedException {
        AtomicReference<byte[]> out = new AtomicReference<>(new byte[0]);
        Thread reader = Thread.ofVirtual().start(() -> {
            try (InputStream in = p.getInputStream()) {
                out.set(in.readNBytes(MAX_OUTPUT));
            } catch (IOException ignored) {
                // treated as no output
            }
        });
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.write(serverUrl.getBytes(StandardCharsets.UTF_8)); // no newline: the CLI sends none either
        } catch (IOException helperIgnoredStdin) {
            // it may answer anyway
        }
        if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            warnOnce(helper, "credential helper docker-credential-{} did not answer within {}", helper, TIMEOUT);
            return Credentials.none();
        }
        reader.join(Duration.ofSeconds(1));
        String output = new String(out.get(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
            if (!output.contains(NOT_FOUND)) {
                LOG.warn("credential helper docker-credential-{} failed for {} (exit {})", helper, serverUrl,
                        p.exitValue());
            }
            return Credentials.none();
        }
        return parse(output, helper);
    }

    private Credentials parse(String output, String helper) {
        try {
            JsonNode doc = Json.mapper().readTree(output);
            String user = doc.path("Username").isString() ? doc.path("Username").asString() : null;
            String secret = doc.path("Secret").isString() ? doc.path("Secret").asString() : null;
            if (TOKEN_USERNAME.equals(user)) {
                return new Credentials(null, null, secret, null);
            }
            return new Credentials(user, secret, null, null);
        } catch (JacksonException e) {
            warnOnce(helper, "credential helper docker-credential-{} printed something that is not JSON", helper);
            return Credentials.none();
        }
    }

    /** One warning per helper and engine run is enough; each pull would repeat it otherwise. */
    private void warnOnce(String helper, String format, Object... args) {
        if (reported.add(String.valueOf(helper))) {
            LOG.warn(format, args);
        }
    }
}
