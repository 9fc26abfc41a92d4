package dev.berth.engine.network;

import dev.berth.engine.errors.SystemException;
import dev.berth.engine.events.Event;
import dev.berth.engine.events.EventBus;
import dev.berth.engine.network.EndpointStore.PublishedPort;
import dev.berth.engine.network.ports.PortInUseException;
import dev.berth.engine.network.ports.PortProxy;
import dev.berth.engine.network.ports.Protocol;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds a container's published ports (one proxy per binding) and withdraws them. Every change is also an
 * event ({@code Type "port"}, actions {@code publish} and {@code withdraw}) from the engine's own state:
 * what the VM manager follows to forward ports to the host, with no firewall watching or polling.
 */
final class PortPublisher {
    private final EventBus events;
    private final Map<String, List<PortProxy>> proxies = new ConcurrentHashMap<>();
    private final Map<String, List<PublishedPort>> published = new ConcurrentHashMap<>();

    PortPublisher(EventBus events) {
        this.events = events;
    }

    /**
     * Binds all of {@code plan} to {@code target}; all or nothing: a port that is taken closes what was
     * bound and fails with Docker's words.
     */
    List<PublishedPort> publish(String containerId, String endpointName, List<PortPlan.Binding> plan,
            Inet4Address target) throws IOException {
        List<PortProxy> opened = new ArrayList<>();
        List<PublishedPort> out = new ArrayList<>();
        try {
            for (PortPlan.Binding b : plan) {
                PortProxy p = bind(b, target);
                opened.add(p);
                out.add(new PublishedPort(b.protocol(), b.hostIp(), p.boundAddress().getPort(), b.containerPort()));
            }
        } catch (PortInUseException e) {
            opened.forEach(PortProxy::close);
            throw new SystemException("driver failed programming external connectivity on endpoint " + endpointName
                    + " (" + containerId + "): " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            opened.forEach(PortProxy::close);
            throw e;
        }
        proxies.put(containerId, opened);
        published.put(containerId, out);
        out.forEach(p -> event(containerId, "publish", p));
        return out;
    }

    /** A fixed port, the first free one of a range, or any (0-0): the proxy's own allocator decides. */
    private static PortProxy bind(PortPlan.Binding b, Inet4Address target) throws IOException {
        return PortProxy.startInRange(Protocol.parse(b.protocol()), Subnet.parseAddress(b.hostIp()), b.fromPort(),
                b.toPort(), new InetSocketAddress(target, b.containerPort()), PortProxy.Options.DEFAULTS);
    }

    /** Closes a container's proxies (fine if it has none). */
    void withdraw(String containerId) {
        List<PortProxy> l = proxies.remove(containerId);
        if (l != null) {
            l.forEach(PortProxy::close);
        }
        List<PublishedPort> p = published.remove(containerId);
        if (p != null) {
            p.forEach(x -> event(containerId, "withdraw", x));
        }
    }

    private void event(String containerId, String action, PublishedPort p) {
        events.publish(Event.of("port", action, containerId, Map.of("protocol", p.protocol(), "hostIp", p.hostIp(),
                "hostPort", Integer.toString(p.hostPort()), "containerPort", Integer.toString(p.containerPort()))));
    }
}
