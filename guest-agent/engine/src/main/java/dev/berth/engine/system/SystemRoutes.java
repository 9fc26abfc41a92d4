package dev.berth.engine.system;

import dev.berth.engine.EngineConfig;
import dev.berth.engine.EngineVersion;
import dev.berth.engine.api.ApiVersion;
import dev.berth.engine.api.Request;
import dev.berth.engine.api.Response;
import dev.berth.engine.api.Router;
import dev.berth.engine.container.ContainerService;
import dev.berth.engine.image.ImageService;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code /_ping}, {@code /version} and {@code /info}. */
public final class SystemRoutes {
    private final EngineConfig config;
    private final ImageService images;
    private final ContainerService containers;
    private final HostFacts host = HostFacts.read();
    private final String engineId;

    public SystemRoutes(EngineConfig config, ImageService images, ContainerService containers) throws IOException {
        this.config = config;
        this.images = images;
        this.containers = containers;
        this.engineId = EngineId.loadOrCreate(config.root());
    }

    public void register(Router r) {
        r.get("/_ping", this::ping).head("/_ping", this::ping);
        r.get("/version", this::version);
        r.get("/info", this::info);
    }

    private void ping(Request req, Response res) throws IOException {
        // Headers as dockerd sends them: the CLI negotiates its API version from Api-Version.
        res.header("Builder-Version", "1").header("Swarm", "inactive")
                .header("Cache-Control", "no-cache, no-store, must-revalidate").header("Pragma", "no-cache");
        if (req.method().equals("HEAD")) {
            res.bytes(200, "text/plain; charset=utf-8", new byte[0]);
        } else {
            res.text(200, "OK");
        }
    }

    private void version(Request req, Response res) throws IOException {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("ApiVersion", ApiVersion.MAX.toString());
        details.put("Arch", host.goArch());
        details.put("BuildTime", "");
        details.put("Experimental", "false");
        details.put("GitCommit", "berth-" + EngineVersion.BERTH);
        details.put("GoVersion", "java" + Runtime.version().feature());
        details.put("KernelVersion", host.kernelVersion());
        details.put("MinAPIVersion", ApiVersion.MIN.toString());
        details.put("Os", "linux");
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("Platform", Map.of("Name", "Berth Engine " + EngineVersion.BERTH));
        v.put("Components", List.of(
                Map.of("Name", "Engine", "Version", EngineVersion.DOCKER_COMPAT, "Details", details),
                Map.of("Name", "berth", "Version", EngineVersion.BERTH, "Details", Map.of())));
        v.put("Version", EngineVersion.DOCKER_COMPAT);
        v.put("ApiVersion", ApiVersion.MAX.toString());
        v.put("MinAPIVersion", ApiVersion.MIN.toString());
        v.put("GitCommit", "berth-" + EngineVersion.BERTH);
        v.put("GoVersion", "java" + Runtime.version().feature());
        v.put("Os", "linux");
        v.put("Arch", host.goArch());
        v.put("KernelVersion", host.kernelVersion());
        v.put("BuildTime", "");
        res.json(200, v);
    }

    private void info(Request req, Response res) throws IOException {
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("ID", engineId);
        var all = containers.all();
        long running = all.stream().filter(c -> c.state().running() && !c.state().paused()).count();
        long paused = all.stream().filter(c -> c.state().paused()).count();
        i.put("Containers", all.size());
        i.put("ContainersRunning", running);
        i.put("ContainersPaused", paused);
        i.put("ContainersStopped", all.size() - running - paused);
        i.put("Images", images.all().size());
        i.put("Driver", "overlay2");
        i.put("DriverStatus", List.of(List.of("Backing Filesystem", "berth-snapshots")));
        i.put("Plugins", Map.of("Volume", List.of("local"), "Network", List.of("bridge", "host", "null"),
                "Log", List.of("json-file")));
        i.put("MemoryLimit", true);
        i.put("SwapLimit", false);
        i.put("CpuCfsPeriod", true);
        i.put("CpuCfsQuota", true);
        i.put("CPUShares", true);
        i.put("CPUSet", true);
        i.put("PidsLimit", true);
        i.put("IPv4Forwarding", true);
        i.put("Debug", false);
        i.put("NFd", 0);
        i.put("OomKillDisable", false);
        i.put("NGoroutines", Thread.activeCount());
        i.put("SystemTime", Instant.now().toString());
        i.put("LoggingDriver", "json-file");
        i.put("CgroupDriver", "cgroupfs");
        i.put("CgroupVersion", host.cgroupVersion());
        i.put("NEventsListener", 0);
        i.put("KernelVersion", host.kernelVersion());
        i.put("OperatingSystem", host.operatingSystem());
        i.put("OSVersion", host.osVersion());
        i.put("OSType", "linux");
        i.put("Architecture", host.architecture());
        i.put("IndexServerAddress", "https://index.docker.io/v1/");
        i.put("RegistryConfig", Map.of("InsecureRegistryCIDRs", List.of("127.0.0.0/8"), "IndexConfigs", Map.of(),
                "Mirrors", List.of()));
        i.put("NCPU", host.cpus());
        i.put("MemTotal", host.memTotal());
        i.put("DockerRootDir", config.root().toString());
        i.put("Name", host.hostname());
        i.put("Labels", List.of());
        i.put("ExperimentalBuild", false);
        i.put("ServerVersion", EngineVersion.DOCKER_COMPAT);
        Map<String, Object> runtimes = new TreeMap<>();
        containers.context().runtimes().all().forEach((name, r) -> runtimes.put(name, Map.of("path", r.binary().toString())));
        i.put("Runtimes", runtimes);
        i.put("DefaultRuntime", containers.context().runtimes().defaultName());
        i.put("Swarm", swarm());
        i.put("LiveRestoreEnabled", true);
        i.put("Isolation", "");
        i.put("InitBinary", "docker-init");
        i.put("SecurityOptions", List.of("name=seccomp,profile=builtin"));
        i.put("Warnings", null);
        res.json(200, i);
    }

    private static Map<String, Object> swarm() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("NodeID", "");
        s.put("NodeAddr", "");
        s.put("LocalNodeState", "inactive");
        s.put("ControlAvailable", false);
        s.put("Error", "");
        s.put("RemoteManagers", null);
        return s;
    }
}
