package dev.berth.engine.container.api;

import dev.berth.engine.api.Filters;
import dev.berth.engine.container.Container;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** {@code POST /containers/prune} filters: {@code until} (created before), {@code label}, {@code label!}. */
final class PruneFilter {
    private PruneFilter() {}

    static boolean matches(Filters f, Container c) {
        Optional<Instant> until = f.time("until");
        if (until.isPresent() && !c.record().created().isBefore(until.get())) {
            return false;
        }
        Map<String, String> labels = c.record().config().labels();
        if (!f.matchesLabels("label", labels)) {
            return false;
        }
        // label!: none of the given labels may be present (with the given value, if one is given)
        for (String spec : f.get("label!")) {
            int eq = spec.indexOf('=');
            String key = eq < 0 ? spec : spec.substring(0, eq);
            if (labels != null && labels.containsKey(key) && (eq < 0 || spec.substring(eq + 1).equals(labels.get(key)))) {
                return false;
            }
        }
        return true;
    }
}
