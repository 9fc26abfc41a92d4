package dev.berth.engine.events;

import dev.berth.engine.api.Filters;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** The {@code /events} filters: type, event, container, image, network, volume, label. */
final class EventFilter implements Predicate<Event> {
    static final Set<String> NAMES = Set.of("type", "event", "container", "image", "network", "volume", "label",
            "daemon", "scope", "plugin", "node", "service", "secret", "config");

    private final Filters f;

    EventFilter(Filters f) {
        this.f = f;
    }

    @Override
    public boolean test(Event e) {
        Map<String, String> attrs = e.actor().attributes();
        return f.matchesAny("type", e.type()::equals)
                && f.matchesAny("event", v -> e.action().equals(v) || e.action().startsWith(v + ":"))
                && f.matchesAny("scope", e.scope()::equals)
                && actorFilter("container", "container", e)
                && actorFilter("network", "network", e)
                && actorFilter("volume", "volume", e)
                && imageFilter(e)
                && f.matchesLabels("label", attrs);
    }

    /**
     * A container/network/volume filter matches events of that type whose actor ID or name starts with a given
     * value: dockerd's fuzzy match, so {@code container=web} also selects {@code web-2} (checked against dockerd
     * in EventsIT).
     */
    private boolean actorFilter(String filter, String type, Event e) {
        if (!f.has(filter)) {
            return true;
        }
        if (!e.type().equals(type)) {
            return false;
        }
        String name = e.actor().attributes().getOrDefault("name", "");
        return f.get(filter).stream().anyMatch(v -> name.startsWith(v) || e.actor().id().startsWith(v));
    }

    /** An image filter matches image events by name/ID and container events by the container's image. */
    private boolean imageFilter(Event e) {
        if (!f.has("image")) {
            return true;
        }
        String image = e.type().equals("container") ? e.actor().attributes().getOrDefault("image", "")
                : e.actor().id();
        String name = e.actor().attributes().getOrDefault("name", "");
        return f.get("image").stream().anyMatch(v -> v.equals(image) || v.equals(name)
                || (image.startsWith("sha256:") && image.substring(7).startsWith(v.replace("sha256:", ""))));
    }
}
