package dev.berth.engine.image.registry;

import dev.berth.engine.errors.EngineException;
import dev.berth.engine.errors.ForbiddenException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.errors.SystemException;
import dev.berth.engine.errors.UnauthorizedException;
import dev.berth.engine.errors.UnavailableException;
import dev.berth.oci.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Turns registry error responses into the engine's typed errors, with the registry's own words where it
 * sent any. The wording follows distribution's errcode ("manifest unknown: manifest unknown",
 * "unauthorized: authentication required"), which is what docker users see from dockerd.
 */
final class RegistryErrors {
    private RegistryErrors() {}

    /**
     * The registry's message from an error body: {@code {"errors":[{"code","message"}]}} as the distribution
     * spec defines it, or Docker Hub's token-server form {@code {"details":"..."}}. Null when there is none.
     */
    static String message(int status, byte[] body) {
        JsonNode doc;
        try {
            doc = body.length == 0 ? null : Json.mapper().readTree(body);
        } catch (JacksonException e) {
            return null;
        }
        if (doc == null || !doc.isObject()) {
            return null;
        }
        if (doc.path("details").isString() && !doc.path("details").asString().isBlank()) {
            String prefix = switch (status) {
                case 401 -> "unauthorized: ";
                case 429 -> "toomanyrequests: ";
                default -> "";
            };
            return HttpSender.sanitize(prefix + doc.path("details").asString());
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode e : doc.path("errors")) {
            String code = e.path("code").isString() ? e.path("code").asString() : "";
            String msg = e.path("message").isString() ? e.path("message").asString() : "";
            String codeText = code.toLowerCase(Locale.ROOT).replace('_', ' ');
            String part = codeText.isEmpty() ? msg : msg.isEmpty() ? codeText : codeText + ": " + msg;
            if (!part.isBlank()) {
                parts.add(part);
            }
        }
        return parts.isEmpty() ? null : HttpSender.sanitize(String.join("; ", parts));
    }

    /** The registry's message from the response (consuming and closing it), or null. */
    static String message(RegistryResponse r) {
        return message(r.status(), r.errorBody());
    }

    /**
     * The typed error for an unexpected response; reads and closes its body.
     *
     * @param registry the registry's host, named in messages
     * @param what     what was asked, e.g. "blob sha256:… of 127.0.0.1:5000/app"
     * @param notFound the NotFound text for a 404, given the registry's message (which may be null)
     */
    static EngineException fail(RegistryResponse r, String registry, String what,
                                java.util.function.Function<String, String> notFound) {
        return forStatus(r.status(), message(r), registry, what, notFound);
    }

    static EngineException forStatus(int status, String msg, String registry, String what,
                                     java.util.function.Function<String, String> notFound) {
        return switch (status) {
            case 401 -> new UnauthorizedException(msg != null ? msg : "unauthorized: authentication required");
            case 403 -> new ForbiddenException(msg != null ? msg : "denied: requested access to the resource is denied");
            case 404 -> new NotFoundException(notFound.apply(msg));
            case 429 -> new UnavailableException("registry " + registry + ": "
                    + (msg != null ? msg : "toomanyrequests: too many requests"));
            default -> {
                String detail = "HTTP " + status + (msg != null ? ": " + msg : "");
                if (status >= 500) {
                    yield new UnavailableException("registry " + registry + " unavailable: " + detail);
                }
                if (status >= 400) {
                    yield new InvalidArgumentException("registry " + registry + " refused " + what + ": " + detail);
                }
                yield new SystemException("unexpected answer from registry " + registry + " to " + what + ": " + detail);
            }
        };
    }
}
