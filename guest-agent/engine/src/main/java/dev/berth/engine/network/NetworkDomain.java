package dev.berth.engine.network;

import dev.berth.engine.api.Router;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerStore;
import dev.berth.engine.container.NetworkSetup;
import dev.berth.engine.events.EventBus;
import dev.berth.engine.network.api.NetworkRoutes;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The networking domain, wired: networks and their bridges, DNS servers and firewall; container
 * attachments; published ports; the routes. The engine opens it before the containers (which use its
 * {@link #setup()}), and lets it {@link #recover} before the containers recover.
 */
public final class NetworkDomain implements AutoCloseable {
    private final NetworkService networks;
    private final DnsNames names;
    private final BridgeDriver driver;

    private NetworkDomain(NetworkService networks, DnsNames names, BridgeDriver driver) {
        this.networks = networks;
        this.names = names;
        this.driver = driver;
    }

    public static NetworkDomain open(Path root, NetworkSettings settings, EventBus events) throws IOException {
        DnsNames names = new DnsNames();
        NetworkService networks = new NetworkService(root, settings, events, names);
        names.setNetworks(networks::find);
        EndpointStore endpoints = new EndpointStore(root.resolve("networks").resolve("endpoints"));
        BridgeDriver driver = new BridgeDriver(networks, endpoints, names, new PortPublisher(events));
        networks.init();
        return new NetworkDomain(networks, names, driver);
    }

    public NetworkSetup setup() {
        return driver;
    }

    public NetworkService networks() {
        return networks;
    }

    /** Before containers recover: addresses, names and ports of the containers that are still running. */
    public void recover(ContainerStore containers) throws IOException {
        driver.recover(id -> containers.find(id).map(c -> c.state().running()).orElse(false));
    }

    public NetworkViews views(ContainerStore containers) {
        return new NetworkViews(networks, names, id -> containers.find(id).map(c -> c.record().plainName()));
    }

    public void register(Router router, ContainerStore containers, NetworkViews views) {
        new NetworkRoutes(networks, views, new ConnectContainer(containers, networks, driver),
                name -> usedBy(containers, name)).register(router);
    }

    /** Whether a container (running or not) is configured for the network called {@code name}. */
    private static boolean usedBy(ContainerStore containers, String name) {
        for (Container c : containers.all()) {
            if (ContainerNetworks.of(c.record()).stream().anyMatch(r -> r.network().equals(name))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        networks.close();
    }
}
