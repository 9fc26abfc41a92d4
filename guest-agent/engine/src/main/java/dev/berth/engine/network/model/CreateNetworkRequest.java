package dev.berth.engine.network.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The body of {@code POST /networks/create}, as the CLI, compose and docker-java send it (nulls allowed). */
public record CreateNetworkRequest(
        @JsonProperty("Name") String name,
        @JsonProperty("Driver") String driver,
        @JsonProperty("Internal") Boolean internal,
        @JsonProperty("Attachable") Boolean attachable,
        @JsonProperty("EnableIPv6") Boolean enableIpv6,
        @JsonProperty("IPAM") Ipam ipam,
        @JsonProperty("Options") Map<String, String> options,
        @JsonProperty("Labels") Map<String, String> labels,
        @JsonProperty("CheckDuplicate") Boolean checkDuplicate) {

    public record Ipam(@JsonProperty("Driver") String driver, @JsonProperty("Config") List<IpamConfig> config,
            @JsonProperty("Options") Map<String, String> options) {}

    public record IpamConfig(@JsonProperty("Subnet") String subnet, @JsonProperty("IPRange") String ipRange,
            @JsonProperty("Gateway") String gateway) {}
}
