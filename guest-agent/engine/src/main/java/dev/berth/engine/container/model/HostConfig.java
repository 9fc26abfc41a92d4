package dev.berth.engine.container.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The {@code HostConfig} of a container: how it runs on this machine. Nullable everywhere (clients send
 * nulls); {@link HostConfigs#withDefaults} fills Docker's defaults before the engine stores it, and inspect
 * echoes the stored value.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record HostConfig(
        @JsonProperty("Binds") List<String> binds,
        @JsonProperty("ContainerIDFile") String containerIdFile,
        @JsonProperty("LogConfig") LogConfig logConfig,
        @JsonProperty("NetworkMode") String networkMode,
        @JsonProperty("PortBindings") Map<String, List<PortBinding>> portBindings,
        @JsonProperty("RestartPolicy") RestartPolicy restartPolicy,
        @JsonProperty("AutoRemove") Boolean autoRemove,
        @JsonProperty("VolumeDriver") String volumeDriver,
        @JsonProperty("VolumesFrom") List<String> volumesFrom,
        @JsonProperty("ConsoleSize") List<Integer> consoleSize,
        @JsonProperty("CapAdd") List<String> capAdd,
        @JsonProperty("CapDrop") List<String> capDrop,
        @JsonProperty("CgroupnsMode") String cgroupnsMode,
        @JsonProperty("Dns") List<String> dns,
        @JsonProperty("DnsOptions") List<String> dnsOptions,
        @JsonProperty("DnsSearch") List<String> dnsSearch,
        @JsonProperty("ExtraHosts") List<String> extraHosts,
        @JsonProperty("GroupAdd") List<String> groupAdd,
        @JsonProperty("IpcMode") String ipcMode,
        @JsonProperty("Cgroup") String cgroup,
        @JsonProperty("Links") List<String> links,
        @JsonProperty("OomScoreAdj") Integer oomScoreAdj,
        @JsonProperty("PidMode") String pidMode,
        @JsonProperty("Privileged") Boolean privileged,
        @JsonProperty("PublishAllPorts") Boolean publishAllPorts,
        @JsonProperty("ReadonlyRootfs") Boolean readonlyRootfs,
        @JsonProperty("SecurityOpt") List<String> securityOpt,
        @JsonProperty("Tmpfs") @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> tmpfs,
        @JsonProperty("UTSMode") String utsMode,
        @JsonProperty("UsernsMode") String usernsMode,
        @JsonProperty("ShmSize") Long shmSize,
        @JsonProperty("Sysctls") @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> sysctls,
        @JsonProperty("Runtime") String runtime,
        @JsonProperty("Isolation") String isolation,
        @JsonProperty("CpuShares") Long cpuShares,
        @JsonProperty("Memory") Long memory,
        @JsonProperty("NanoCpus") Long nanoCpus,
        @JsonProperty("CgroupParent") String cgroupParent,
        @JsonProperty("BlkioWeight") Integer blkioWeight,
        @JsonProperty("CpuPeriod") Long cpuPeriod,
        @JsonProperty("CpuQuota") Long cpuQuota,
        @JsonProperty("CpusetCpus") String cpusetCpus,
        @JsonProperty("CpusetMems") String cpusetMems,
        @JsonProperty("Devices") List<Map<String, Object>> devices,
        @JsonProperty("MemoryReservation") Long memoryReservation,
        @JsonProperty("MemorySwap") Long memorySwap,
        @JsonProperty("MemorySwappiness") Long memorySwappiness,
        @JsonProperty("OomKillDisable") Boolean oomKillDisable,
        @JsonProperty("PidsLimit") Long pidsLimit,
        @JsonProperty("Ulimits") List<Ulimit> ulimits,
        @JsonProperty("Init") @JsonInclude(JsonInclude.Include.NON_NULL) Boolean init,
        @JsonProperty("Mounts") @JsonInclude(JsonInclude.Include.NON_NULL) List<Mount> mounts,
        @JsonProperty("MaskedPaths") List<String> maskedPaths,
        @JsonProperty("ReadonlyPaths") List<String> readonlyPaths) {

    public record LogConfig(@JsonProperty("Type") String type, @JsonProperty("Config") Map<String, String> config) {}

    public record PortBinding(@JsonProperty("HostIp") String hostIp, @JsonProperty("HostPort") String hostPort) {}

    public record RestartPolicy(@JsonProperty("Name") String name,
            @JsonProperty("MaximumRetryCount") Integer maximumRetryCount) {}

    public record Ulimit(@JsonProperty("Name") String name, @JsonProperty("Soft") Long soft,
            @JsonProperty("Hard") Long hard) {}

    /** A {@code --mount}: bind, volume or tmpfs. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Mount(
            @JsonProperty("Type") String type,
            @JsonProperty("Source") String source,
            @JsonProperty("Target") String target,
            @JsonProperty("ReadOnly") Boolean readOnly,
            @JsonProperty("Consistency") String consistency,
            @JsonProperty("BindOptions") Map<String, Object> bindOptions,
            @JsonProperty("VolumeOptions") Map<String, Object> volumeOptions,
            @JsonProperty("TmpfsOptions") Map<String, Object> tmpfsOptions) {}

    public boolean isPrivileged() {
        return Boolean.TRUE.equals(privileged);
    }

    public boolean isAutoRemove() {
        return Boolean.TRUE.equals(autoRemove);
    }

    public boolean isReadonlyRootfs() {
        return Boolean.TRUE.equals(readonlyRootfs);
    }
}
