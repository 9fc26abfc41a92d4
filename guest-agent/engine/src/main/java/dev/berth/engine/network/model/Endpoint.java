package dev.berth.engine.network.model;

import java.util.List;

/**
 * A container's attachment to one bridge network while it runs: the address IPAM gave it, its MAC, and the
 * names it answers to on that network. Stored (with the container's other endpoints) before the address is
 * used, so a restarted engine rebuilds IPAM from these files and never hands an address out twice.
 *
 * @param staticIp true if the user asked for this address ({@code --ip}): kept across restarts
 * @param aliases  {@code --network-alias} plus, on user networks, the container's name and short ID
 * @param hostInterface  the veth end on the bridge; innerInterface: its peer in the container (eth0, eth1 …)
 */
public record Endpoint(
        String networkId,
        String endpointId,
        String ip,
        int prefixLength,
        String gateway,
        String mac,
        boolean staticIp,
        List<String> aliases,
        String hostInterface,
        String innerInterface) {

    public Endpoint {
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
    }
}
