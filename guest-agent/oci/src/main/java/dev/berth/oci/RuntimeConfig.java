package dev.berth.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The {@code config} section of an image configuration: how a container from the image runs by default.
 * Field names are Docker's capitalised ones, which the OCI image spec adopted.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record RuntimeConfig(
        @JsonProperty("User") String user,
        @JsonProperty("ExposedPorts") Map<String, Map<String, Object>> exposedPorts,
        @JsonProperty("Env") List<String> env,
        @JsonProperty("Entrypoint") List<String> entrypoint,
        @JsonProperty("Cmd") List<String> cmd,
        @JsonProperty("Volumes") Map<String, Map<String, Object>> volumes,
        @JsonProperty("WorkingDir") String workingDir,
        @JsonProperty("Labels") Map<String, String> labels,
        @JsonProperty("StopSignal") String stopSignal,
        @JsonProperty("ArgsEscaped") Boolean argsEscaped,
        @JsonProperty("Healthcheck") Healthcheck healthcheck,
        @JsonProperty("OnBuild") List<String> onBuild,
        @JsonProperty("Shell") List<String> shell) {

    /** Durations are nanoseconds, as in Docker's JSON. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Healthcheck(
            @JsonProperty("Test") List<String> test,
            @JsonProperty("Interval") Long interval,
            @JsonProperty("Timeout") Long timeout,
            @JsonProperty("StartPeriod") Long startPeriod,
            @JsonProperty("StartInterval") Long startInterval,
            @JsonProperty("Retries") Integer retries) {}

    public static RuntimeConfig empty() {
        return new RuntimeConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public RuntimeConfig withEnv(List<String> e) {
        return new RuntimeConfig(user, exposedPorts, e, entrypoint, cmd, volumes, workingDir, labels,
                stopSignal, argsEscaped, healthcheck, onBuild, shell);
    }

    public RuntimeConfig withCmd(List<String> c) {
        return new RuntimeConfig(user, exposedPorts, env, entrypoint, c, volumes, workingDir, labels,
                stopSignal, argsEscaped, healthcheck, onBuild, shell);
    }

    public RuntimeConfig withEntrypoint(List<String> e) {
        return new RuntimeConfig(user, exposedPorts, env, e, cmd, volumes, workingDir, labels,
                stopSignal, argsEscaped, healthcheck, onBuild, shell);
    }

    public RuntimeConfig withExposedPorts(Map<String, Map<String, Object>> p) {
        return new RuntimeConfig(user, p, env, entrypoint, cmd, volumes, workingDir, labels,
                stopSignal, argsEscaped, healthcheck, onBuild, shell);
    }

    public RuntimeConfig withWorkingDir(String w) {
        return new RuntimeConfig(user, exposedPorts, env, entrypoint, cmd, volumes, w, labels,
                stopSignal, argsEscaped, healthcheck, onBuild, shell);
    }

    public RuntimeConfig withLabels(Map<String, String> l) {
        return new RuntimeConfig(user, exposedPorts, env, entrypoint, cmd, volumes, workingDir, l,
                stopSignal, argsEscaped, healthcheck, onBuild, shell);
    }
}
