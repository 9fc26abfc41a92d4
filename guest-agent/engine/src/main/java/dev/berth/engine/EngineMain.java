package dev.berth.engine;

import dev.berth.api.launch.EngineLaunch;
import dev.berth.engine.network.NetworkSettings;
import dev.berth.engine.network.NetworkUninstall;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The engine process. Started by {@code berth engine start} on a Linux host, or by the guest's init in
 * Berth's VM. Flags:
 * <pre>
 *   --root DIR            data root (required)
 *   --socket PATH         API unix socket (required)
 *   --socket-owner U:G    numeric owner of the socket and its directory
 *   --tcp HOST:PORT       also listen on this loopback TCP address
 *   --insecure-registry R plain-HTTP registry (repeatable); loopback registries always are
 *   --pull-retry-delay-ms N     wait before retry n of a layer download is n × N ms (default 1000)
 *   --free-space-reserve-mb N   pulls stop before the data disk has less than N MiB free (default 256)
 *   --max-layer-mb N            a layer may expand to at most N MiB (default 65536: a decompression-bomb bound)
 *   --bridge-subnet CIDR        the default bridge's subnet (default: the first free /16 from 10.209.0.0)
 *   --default-bind-ip IP        host address of published ports without one (default 0.0.0.0)
 *   --network-prefix P          names of this engine's bridges, namespaces and firewall table (default berth)
 * </pre>
 * {@code --uninstall-network [--network-prefix P]} instead removes what an engine left on the host's network.
 */
public final class EngineMain {
    private EngineMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(EngineLaunch.UNINSTALL_NETWORK)) {
            uninstallNetwork(args);
            return;
        }
        EngineConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("berth-engine: " + e.getMessage());
            System.exit(2);
            return;
        }
        Engine engine = new Engine(config);
        try {
            engine.start();
        } catch (IOException e) {
            System.err.println("berth-engine: cannot start: " + e.getMessage());
            engine.close();
            System.exit(1);
            return;
        }
        Files.writeString(config.pidFile(), ProcessHandle.current().pid() + "\n");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            engine.close();
            try {
                Files.deleteIfExists(config.pidFile());
            } catch (IOException ignored) {
                // the next start treats a dead pid as stale
            }
            stopped.countDown();
        }, "engine-shutdown"));
        stopped.await();
    }

    /**
     * {@code --uninstall-network [--network-prefix P]}: removes the bridges, namespaces and firewall rules an
     * engine with that prefix left on the host, prints them, and exits (the engine is not started).
     */
    private static void uninstallNetwork(String[] args) throws IOException {
        String prefix = null;
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (args[i].equals("--network-prefix")) {
                prefix = args[i + 1];
            }
        }
        for (String removed : NetworkUninstall.removeHostState(prefix)) {
            System.out.println("removed " + removed);
        }
    }

    static EngineConfig parse(String[] args) {
        Path root = null;
        Path socket = null;
        String owner = null;
        InetSocketAddress tcp = null;
        List<String> insecure = new ArrayList<>();
        dev.berth.engine.image.pull.PullSettings pull = dev.berth.engine.image.pull.PullSettings.defaults();
        NetworkSettings network = NetworkSettings.defaults();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + flag);
            }
            String value = args[++i];
            switch (flag) {
                case "--root" -> root = Path.of(value).toAbsolutePath();
                case "--socket" -> socket = Path.of(value).toAbsolutePath();
                case "--socket-owner" -> owner = value;
                case "--tcp" -> tcp = parseHostPort(value);
                case "--insecure-registry" -> insecure.add(value);
                case "--pull-retry-delay-ms" -> pull = pull.withRetryDelay(java.time.Duration.ofMillis(Long.parseLong(value)));
                case "--free-space-reserve-mb" -> pull = pull.withFreeSpaceReserve(Long.parseLong(value) << 20);
                case "--max-layer-mb" -> pull = pull.withMaxLayerBytes(Long.parseLong(value) << 20);
                case "--bridge-subnet" -> network = network.withBridgeSubnet(value);
                case "--default-bind-ip" -> network = network.withDefaultBindIp(value);
                case "--network-prefix" -> network = network.withPrefix(value);
                default -> throw new IllegalArgumentException("unknown flag " + flag);
            }
        }
        if (root == null || socket == null) {
            throw new IllegalArgumentException("usage: berth-engine --root DIR --socket PATH [--tcp HOST:PORT]");
        }
        return new EngineConfig(root, socket, owner, tcp, insecure, pull, network);
    }

    private static InetSocketAddress parseHostPort(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--tcp needs HOST:PORT, got " + value);
        }
        return new InetSocketAddress(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
    }
}
