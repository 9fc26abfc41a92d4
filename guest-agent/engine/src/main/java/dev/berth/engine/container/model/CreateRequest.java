package dev.berth.engine.container.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.Map;

/**
 * The body of {@code POST /containers/create}: a Config at the top level, plus HostConfig and
 * NetworkingConfig. Parsed leniently (unknown fields and nulls are fine).
 */
public final class CreateRequest {
    @JsonUnwrapped
    public ContainerConfig config;

    @JsonProperty("HostConfig")
    public HostConfig hostConfig;

    @JsonProperty("NetworkingConfig")
    public NetworkingConfig networkingConfig;

    /** Per-network settings; networks arrive with the networking issue, the shape is kept now. */
    public record NetworkingConfig(@JsonProperty("EndpointsConfig") Map<String, Map<String, Object>> endpointsConfig) {}
}
