package dev.berth.engine.container.api;

import dev.berth.engine.api.Filters;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerStore;
import dev.berth.engine.container.model.ContainerState;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.image.ImageService;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The filters of {@code GET /containers/json}, with moby's semantics: {@code name} and {@code id} are
 * unanchored regular expressions, several values of one filter are ORed, different filters ANDed, labels
 * ANDed. Filters about networks, volumes and ports match against what the views report.
 */
final class ContainerFilter implements Predicate<Container> {
    static final Set<String> NAMES = Set.of("ancestor", "before", "expose", "exited", "health", "id", "isolation",
            "is-task", "label", "name", "network", "publish", "since", "status", "volume");
    private static final Set<String> STATUSES = Set.of(ContainerState.CREATED, ContainerState.RUNNING,
            ContainerState.PAUSED, ContainerState.RESTARTING, ContainerState.REMOVING, ContainerState.EXITED,
            ContainerState.DEAD);
    private static final Set<String> HEALTH = Set.of("starting", "healthy", "unhealthy", "none");

    private final Filters f;
    private final ImageService images;
    private final Instant before;
    private final Instant since;

    ContainerFilter(Filters f, ContainerStore store, ImageService images) {
        this.f = f;
        this.images = images;
        f.get("status").forEach(s -> check(STATUSES.contains(s), "status=" + s));
        f.get("health").forEach(s -> check(HEALTH.contains(s), "health=" + s));
        f.get("exited").forEach(s -> check(s.matches("-?\\d+"), "exited=" + s));
        this.before = f.has("before") ? store.get(f.get("before").get(0)).record().created() : null;
        this.since = f.has("since") ? store.get(f.get("since").get(0)).record().created() : null;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new InvalidArgumentException("Invalid filter '" + what + "'");
        }
    }

    @Override
    public boolean test(Container c) {
        var r = c.record();
        ContainerState s = c.state();
        return f.matchesAny("id", v -> regex(v).matcher(r.id()).find())
                && f.matchesAny("name", v -> regex(v).matcher(r.name()).find())
                && f.matchesLabels("label", r.config().labels())
                && f.matchesAny("status", v -> v.equals(s.status()))
                && f.matchesAny("exited", v -> !s.running() && s.status().equals(ContainerState.EXITED)
                        && Integer.parseInt(v) == s.exitCode())
                && f.matchesAny("health", v -> v.equals(s.health() == null ? "none" : s.health().status()))
                && f.matchesAny("ancestor", v -> ancestor(v, c))
                && f.matchesAny("network", v -> v.equals(r.hostConfig().networkMode()) || r.networks().containsKey(v))
                && f.matchesAny("expose", v -> r.config().exposedPorts() != null && r.config().exposedPorts().containsKey(
                        v.contains("/") ? v : v + "/tcp"))
                && f.matchesAny("publish", v -> r.hostConfig().portBindings() != null
                        && r.hostConfig().portBindings().containsKey(v.contains("/") ? v : v + "/tcp"))
                && (before == null || r.created().isBefore(before))
                && (since == null || r.created().isAfter(since));
    }

    /** An image name or ID: matches containers made from that image. */
    private boolean ancestor(String ref, Container c) {
        if (ref.equals(c.record().image())) {
            return true;
        }
        Optional<dev.berth.engine.image.ImageRecord> img;
        try {
            img = images.find(ref);
        } catch (RuntimeException badReference) {
            return false;
        }
        return img.isPresent() && img.get().id().equals(c.record().imageId());
    }

    private static Pattern regex(String v) {
        try {
            return Pattern.compile(v);
        } catch (PatternSyntaxException e) {
            return Pattern.compile(Pattern.quote(v));
        }
    }
}
