package dev.berth.engine;

import dev.berth.engine.image.pull.PullSettings;
import dev.berth.engine.network.NetworkSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * How an engine instance is set up. Built from command-line flags by {@link EngineMain}; tests build it
 * directly.
 *
 * @param root        the data root: content, snapshots, metadata, containers
 * @param socket      the API unix socket
 * @param socketOwner numeric {@code uid:gid} to own the socket, or null to keep the engine's own user
 * @param tcp         an additional loopback TCP listener, or null (the default: none)
 * @param insecureRegistries registries reached over plain HTTP besides loopback ones
 * @param pull        pull tunables: retries, limits, the free-space reserve
 * @param network     networking: default bridge subnet, address pools, default bind address, name prefix
 */
public record EngineConfig(
        Path root,
        Path socket,
        String socketOwner,
        InetSocketAddress tcp,
        List<String> insecureRegistries,
        PullSettings pull,
        NetworkSettings network) {

    public EngineConfig {
        insecureRegistries = insecureRegistries == null ? List.of() : List.copyOf(insecureRegistries);
        pull = pull == null ? PullSettings.defaults() : pull;
        network = network == null ? NetworkSettings.defaults() : network;
    }

    public Path pidFile() {
        return socket.resolveSibling("engine.pid");
    }
}
