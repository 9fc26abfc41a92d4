package dev.berth.engine.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.engine.container.model.HostConfig;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** -p and -P as the CLI sends them, turned into bindings. */
class PortPlanTest {
    static HostConfig host(String json) {
        return Json.read(json.getBytes(), HostConfig.class);
    }

    @Test
    void explicitRandomRangesAndAddresses() {
        HostConfig h = host("{\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8080\"}],"
                + "\"53/udp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}],"
                + "\"443/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"9000-9010\"}]}}");
        assertEquals(List.of(new PortPlan.Binding("tcp", "0.0.0.0", 9000, 9010, 443),
                new PortPlan.Binding("udp", "127.0.0.1", 0, 0, 53),
                new PortPlan.Binding("tcp", "0.0.0.0", 8080, 8080, 80)), PortPlan.of(h, null, "0.0.0.0"));
    }

    @Test
    void publishAllAddsEveryExposedPortOnceAndHonoursTheDefaultBindAddress() {
        HostConfig h = host("{\"PublishAllPorts\":true,\"PortBindings\":{\"80/tcp\":[{\"HostPort\":\"8080\"}]}}");
        List<PortPlan.Binding> plan = PortPlan.of(h, Map.of("80/tcp", Map.of(), "443/tcp", Map.of()), "127.0.0.1");
        assertEquals(List.of(new PortPlan.Binding("tcp", "127.0.0.1", 0, 0, 443),
                new PortPlan.Binding("tcp", "127.0.0.1", 8080, 8080, 80)), plan);
    }

    @Test
    void badSpecificationsAreDockersErrors() {
        assertThrows(InvalidArgumentException.class, () -> PortPlan.of(host(
                "{\"PortBindings\":{\"80/sctp\":[{\"HostPort\":\"1\"}]}}"), null, "0.0.0.0"));
        assertThrows(InvalidArgumentException.class, () -> PortPlan.of(host(
                "{\"PortBindings\":{\"80/tcp\":[{\"HostPort\":\"70000\"}]}}"), null, "0.0.0.0"));
        assertThrows(InvalidArgumentException.class, () -> PortPlan.of(host(
                "{\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"localhost\",\"HostPort\":\"1\"}]}}"), null, "0.0.0.0"));
    }
}
