package dev.berth.engine.container;

import dev.berth.engine.container.model.ContainerRecord;
import java.io.IOException;
import java.util.List;

/**
 * How a container gets its network namespace. The networking domain implements it (bridges, veth pairs,
 * published ports); without it a container gets a private namespace with only loopback, or the host's.
 */
public interface NetworkSetup {
    /** Checks a new container's network settings at create (Docker's 404 for a network that does not exist). */
    default void validate(ContainerRecord r) {}

    /**
     * Prepares networking before the container starts and returns the namespace for the runtime: null for a
     * new (loopback-only) namespace, "host", or a path such as /var/run/netns/berth-&lt;id&gt; to join.
     */
    String prepare(Container c) throws IOException;

    /** The container's process is running with pid {@code pid}: finish what needs it (port forwards). */
    default void started(Container c, long pid) throws IOException {}

    /** Undoes {@link #prepare} and {@link #started} after the container stopped. Must not throw for "gone". */
    void release(Container c);

    /** The address to write into the container's /etc/hosts, or null. */
    default String address(Container c) {
        return null;
    }

    /**
     * The nameservers for the container's resolv.conf: the embedded DNS of its network, or empty to derive
     * them from the host's (loopback ones dropped), or null to copy the host's file as it is (host network).
     */
    default List<String> nameservers(Container c) {
        return List.of();
    }

    /** Loopback only, or the host's network for {@code --network host}. */
    NetworkSetup LOOPBACK = new NetworkSetup() {
        @Override
        public String prepare(Container c) {
            return "host".equals(c.record().hostConfig().networkMode()) ? "host" : null;
        }

        @Override
        public void release(Container c) {}

        @Override
        public List<String> nameservers(Container c) {
            return "host".equals(c.record().hostConfig().networkMode()) ? null : List.of();
        }
    };
}
