package dev.berth.engine.container;

import dev.berth.engine.events.Event;
import dev.berth.engine.events.EventBus;
import java.util.HashMap;
import java.util.Map;

/**
 * Container events as Docker sends them: every container label in {@code Actor.Attributes}, plus
 * {@code image} and {@code name} (compose v2 watches these), and action-specific attributes.
 */
public final class ContainerEvents {
    private final EventBus bus;

    public ContainerEvents(EventBus bus) {
        this.bus = bus;
    }

    public void publish(Container c, String action) {
        publish(c, action, Map.of());
    }

    public void publish(Container c, String action, Map<String, String> extra) {
        Map<String, String> attrs = new HashMap<>();
        if (c.record().config().labels() != null) {
            attrs.putAll(c.record().config().labels());
        }
        attrs.put("image", c.record().image());
        attrs.put("name", c.record().plainName());
        attrs.putAll(extra);
        bus.publish(Event.of("container", action, c.id(), attrs));
    }
}
