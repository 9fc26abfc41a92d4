package dev.berth.engine.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps method + path to a handler. Patterns use {@code {name}} for one path segment and {@code {name*}} for
 * a greedy match that may contain slashes, which image names need ({@code /images/{name*}/json} must match
 * {@code /images/localhost:5000/tiny:1/json}). The first matching route wins.
 */
public final class Router {
    private record Route(String method, Pattern pattern, List<String> names, Handler handler) {}

    /** The outcome of matching: a handler with its parameters, or why there is none. */
    public record Match(Handler handler, Map<String, String> params, boolean pathKnown) {}

    private final List<Route> routes = new ArrayList<>();

    public Router get(String pattern, Handler h) {
        return add("GET", pattern, h);
    }

    public Router head(String pattern, Handler h) {
        return add("HEAD", pattern, h);
    }

    public Router post(String pattern, Handler h) {
        return add("POST", pattern, h);
    }

    public Router put(String pattern, Handler h) {
        return add("PUT", pattern, h);
    }

    public Router delete(String pattern, Handler h) {
        return add("DELETE", pattern, h);
    }

    public Router add(String method, String pattern, Handler h) {
        List<String> names = new ArrayList<>();
        StringBuilder regex = new StringBuilder("^");
        Matcher m = Pattern.compile("\\{([a-zA-Z]+)(\\*?)}").matcher(pattern);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(pattern.substring(last, m.start())));
            regex.append(m.group(2).isEmpty() ? "([^/]+)" : "(.+)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(pattern.substring(last))).append("/?$");
        routes.add(new Route(method, Pattern.compile(regex.toString()), names, h));
        return this;
    }

    public Match match(String method, String path) {
        boolean pathKnown = false;
        for (Route r : routes) {
            Matcher m = r.pattern.matcher(path);
            if (!m.matches()) {
                continue;
            }
            if (!r.method.equals(method)) {
                pathKnown = true;
                continue;
            }
            Map<String, String> params = new HashMap<>();
            for (int i = 0; i < r.names.size(); i++) {
                params.put(r.names.get(i), m.group(i + 1));
            }
            return new Match(r.handler, params, true);
        }
        return new Match(null, Map.of(), pathKnown);
    }
}
