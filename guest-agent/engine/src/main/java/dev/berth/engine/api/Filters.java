package dev.berth.engine.api;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The {@code filters} query parameter: URL-decoded JSON in either dialect clients send — the Go map form
 * {@code {"label":{"a=b":true}}} (docker CLI) or the list form {@code {"label":["a=b"]}} (docker-py,
 * docker-java). Unknown filter names are refused as Docker does, so typos do not silently match everything.
 */
public final class Filters {
    public static final Filters NONE = new Filters(Map.of());

    private final Map<String, List<String>> values;

    private Filters(Map<String, List<String>> values) {
        this.values = values;
    }

    public static Filters parse(String json, Set<String> allowed) {
        if (json == null || json.isBlank()) {
            return NONE;
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (JacksonException e) {
            throw new InvalidArgumentException("invalid filter: " + e.getOriginalMessage());
        }
        if (!root.isObject()) {
            throw new InvalidArgumentException("invalid filter: expected a JSON object");
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (!allowed.contains(e.getKey())) {
                throw new InvalidArgumentException("invalid filter '" + e.getKey() + "'");
            }
            List<String> vals = new ArrayList<>();
            JsonNode v = e.getValue();
            if (v.isArray()) {
                v.forEach(x -> vals.add(x.asString()));
            } else if (v.isObject()) {
                for (Map.Entry<String, JsonNode> k : v.properties()) {
                    if (k.getValue().asBoolean(true)) {
                        vals.add(k.getKey());
                    }
                }
            } else if (!v.isNull()) {
                vals.add(v.asString());
            }
            out.put(e.getKey(), vals);
        }
        return new Filters(out);
    }

    public static Filters from(Request r, Set<String> allowed) {
        return parse(r.query().get("filters").orElse(null), allowed);
    }

    public boolean has(String name) {
        return values.containsKey(name) && !values.get(name).isEmpty();
    }

    public List<String> get(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** True if no value was given for {@code name}, or any given value satisfies {@code test}. */
    public boolean matchesAny(String name, java.util.function.Predicate<String> test) {
        List<String> v = get(name);
        return v.isEmpty() || v.stream().anyMatch(test);
    }

    /**
     * Label filters: every {@code key} or {@code key=value} given must hold on {@code labels} (AND, as
     * Docker does).
     */
    public boolean matchesLabels(String name, Map<String, String> labels) {
        for (String f : get(name)) {
            int eq = f.indexOf('=');
            String key = eq < 0 ? f : f.substring(0, eq);
            if (labels == null || !labels.containsKey(key)) {
                return false;
            }
            if (eq >= 0 && !f.substring(eq + 1).equals(labels.get(key))) {
                return false;
            }
        }
        return true;
    }

    /** A boolean filter such as {@code dangling=true}; absent gives {@code fallback}. */
    public Boolean bool(String name, Boolean fallback) {
        List<String> v = get(name);
        if (v.isEmpty()) {
            return fallback;
        }
        return switch (v.get(0).toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new InvalidArgumentException("invalid filter '" + name + "=" + v.get(0) + "'");
        };
    }

    /**
     * A time filter such as {@code until}: a Go duration before now ({@code 24h}, {@code 1h30m}), unix
     * seconds with an optional fraction, or an RFC 3339 timestamp, as Docker's prune filters take.
     */
    public Optional<java.time.Instant> time(String name) {
        List<String> v = get(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        String t = v.get(0).trim();
        try {
            if (t.matches("(\\d+(\\.\\d+)?(ns|us|ms|s|m|h))+")) {
                return Optional.of(Instant.now().minus(goDuration(t)));
            }
            if (t.matches("\\d+(\\.\\d{1,9})?")) {
                String[] parts = t.split("\\.");
                long nanos = parts.length > 1 ? Long.parseLong((parts[1] + "000000000").substring(0, 9)) : 0;
                return Optional.of(Instant.ofEpochSecond(Long.parseLong(parts[0]), nanos));
            }
            return Optional.of(OffsetDateTime.parse(t).toInstant());
        } catch (RuntimeException e) {
            throw new InvalidArgumentException("invalid filter '" + name + "=" + t + "'");
        }
    }

    private static Duration goDuration(String t) {
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h)").matcher(t);
        double nanos = 0;
        while (m.find()) {
            double n = Double.parseDouble(m.group(1));
            nanos += n * switch (m.group(2)) {
                case "ns" -> 1d;
                case "us" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
        }
        return Duration.ofNanos((long) nanos);
    }
}
