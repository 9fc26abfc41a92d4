package dev.berth.api.http;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A decoded query string. Repeated keys keep every value in order ({@code t=a&t=b}). Boolean parsing
 * accepts every spelling Docker clients send: {@code 1/0}, {@code true/false}, {@code True/False}.
 */
public final class Query {
    private final Map<String, List<String>> values;

    private Query(Map<String, List<String>> values) {
        this.values = values;
    }

    public static Query parse(String raw) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                map.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        }
        return new Query(map);
    }

    public Optional<String> get(String key) {
        List<String> v = values.get(key);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    public String get(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    public List<String> all(String key) {
        return values.getOrDefault(key, List.of());
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /**
     * A boolean flag. Present with an empty value counts as true (as Go's server reads {@code ?force}),
     * absent is {@code fallback}. Anything unrecognised is an {@link IllegalArgumentException}.
     */
    public boolean bool(String key, boolean fallback) {
        Optional<String> v = get(key);
        if (v.isEmpty()) {
            return fallback;
        }
        return switch (v.get()) {
            case "", "1", "true", "True", "TRUE", "yes" -> true;
            case "0", "false", "False", "FALSE", "no" -> false;
            default -> throw new IllegalArgumentException("invalid boolean for " + key + ": " + v.get());
        };
    }

    public long longValue(String key, long fallback) {
        Optional<String> v = get(key).filter(s -> !s.isEmpty());
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid integer for " + key + ": " + v.get());
        }
    }

    public Map<String, List<String>> asMap() {
        return values;
    }

    public static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid percent-encoding in query: " + s);
        }
    }
}
