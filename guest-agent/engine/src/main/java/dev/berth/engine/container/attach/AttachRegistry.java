package dev.berth.engine.container.attach;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Attach sessions waiting for their container to start. The docker CLI attaches before it starts a
 * container; those sessions are connected to the monitor before the process runs, so its first bytes are
 * never lost.
 */
public final class AttachRegistry {
    private final Map<String, List<AttachSession>> pending = new ConcurrentHashMap<>();

    public void await(String containerId, AttachSession s) {
        pending.computeIfAbsent(containerId, k -> new CopyOnWriteArrayList<>()).add(s);
    }

    /** The sessions to connect at this start (removed from the waiting list). */
    public List<AttachSession> takeFor(String containerId) {
        List<AttachSession> l = pending.remove(containerId);
        return l == null ? List.of() : List.copyOf(l);
    }

    public void forget(String containerId, AttachSession s) {
        List<AttachSession> l = pending.get(containerId);
        if (l != null) {
            l.remove(s);
        }
    }
}
