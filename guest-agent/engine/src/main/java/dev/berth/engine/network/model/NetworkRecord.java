package dev.berth.engine.network.model;

import java.time.Instant;
import java.util.Map;

/**
 * A network as stored: {@code networks/<id>.json}. The predefined {@code bridge}, {@code host} and
 * {@code none} networks are records too (created at first start), so every network has one shape.
 *
 * @param driver     bridge, host or null (Docker's name for "none")
 * @param subnet     CIDR of a bridge network, null for host/none
 * @param gateway    the bridge's own address: containers' default route and their DNS server
 * @param bridge     the Linux bridge's interface name (berth0, berth-<id>), null for host/none
 * @param internal   no way out: no NAT, no forwarding to other interfaces
 * @param userDefined created by a user (name resolution between containers, isolation from others)
 */
public record NetworkRecord(
        String id,
        String name,
        String driver,
        Instant created,
        String subnet,
        String gateway,
        String bridge,
        boolean internal,
        boolean attachable,
        boolean userDefined,
        Map<String, String> labels,
        Map<String, String> options) {

    public NetworkRecord {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    /**
     * Uses the bridge driver. Not named isBridge: Jackson would read that as a property "bridge", clash with
     * the bridge's name, and (ignored) drop the name from the stored record.
     */
    public boolean bridgeDriver() {
        return "bridge".equals(driver);
    }
}
