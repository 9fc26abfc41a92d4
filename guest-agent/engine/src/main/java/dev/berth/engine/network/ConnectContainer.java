package dev.berth.engine.network;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerStore;
import dev.berth.engine.errors.ForbiddenException;
import dev.berth.engine.network.model.NetworkRecord;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code docker network connect/disconnect}: the container's record says which networks it joins at its
 * next start; a running container is attached or detached at once as well.
 */
public final class ConnectContainer {
    private final ContainerStore containers;
    private final NetworkService networks;
    private final BridgeDriver driver;

    public ConnectContainer(ContainerStore containers, NetworkService networks, BridgeDriver driver) {
        this.containers = containers;
        this.networks = networks;
        this.driver = driver;
    }

    public void connect(String networkRef, String containerRef, Map<String, Object> endpointConfig) throws IOException {
        NetworkRecord n = networks.get(networkRef);
        Container c = containers.get(containerRef);
        checkBridgeMode(c, n);
        c.lock().lock();
        try {
            Map<String, Map<String, Object>> nets = new LinkedHashMap<>(c.record().networks());
            if (nets.containsKey(n.name())) {
                throw new ForbiddenException("endpoint with name " + c.record().plainName()
                        + " already exists in network " + n.name());
            }
            nets.put(n.name(), endpointConfig == null ? Map.of() : endpointConfig);
            containers.updateNetworks(c, nets);
            if (c.state().running()) {
                driver.connect(c, n, ContainerNetworks.request(n.name(), endpointConfig));
            }
        } finally {
            c.lock().unlock();
        }
        networks.publish(n, "connect", Map.of("container", c.id()));
    }

    /** Disconnecting a container that is not connected is fine (compose 1.29 does it before connecting). */
    public void disconnect(String networkRef, String containerRef) throws IOException {
        NetworkRecord n = networks.get(networkRef);
        Container c = containers.get(containerRef);
        c.lock().lock();
        try {
            Map<String, Map<String, Object>> nets = new LinkedHashMap<>(c.record().networks());
            boolean known = nets.remove(n.name()) != null | nets.remove(n.id()) != null;
            if (known) {
                containers.updateNetworks(c, nets);
            }
            if (c.state().running()) {
                driver.disconnect(c, n);
            }
        } finally {
            c.lock().unlock();
        }
        networks.publish(n, "disconnect", Map.of("container", c.id()));
    }

    private static void checkBridgeMode(Container c, NetworkRecord n) {
        String kind = ContainerNetworks.kind(c.record().hostConfig().networkMode());
        if (!n.bridgeDriver() || !kind.equals("bridge")) {
            throw new ForbiddenException("container cannot be disconnected from host network or connected to host "
                    + "network");
        }
    }
}
