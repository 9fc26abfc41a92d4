package dev.berth.engine.container;

import java.nio.file.Path;

/**
 * Where one container's files live under the data root:
 * <pre>
 *   containers/&lt;id&gt;/config.json        the ContainerRecord (atomic writes)
 *   containers/&lt;id&gt;/state.json         the ContainerState (atomic writes)
 *   containers/&lt;id&gt;/&lt;id&gt;-json.log     the json-file log, written by the monitor (+ .1, .2 when rotated)
 *   containers/&lt;id&gt;/hostname, hosts, resolv.conf   bind-mounted into the container
 *   containers/&lt;id&gt;/bundle/config.json  the OCI runtime spec
 *   containers/&lt;id&gt;/upper, work        the writable overlay layer
 *   containers/&lt;id&gt;/rootfs             the overlay mount point while the container runs
 *   m/&lt;first 16 hex of id&gt;/             the monitor's state: pid files, control socket, exit.json
 *   runtimes/&lt;name&gt;/                       the OCI runtime's own state (its --root)
 *   bin/berth-monitor                     the monitor binary the containers run under
 * </pre>
 * The monitor directory is short on purpose: unix socket paths are limited to 108 bytes.
 */
public record ContainerPaths(Path root, String id) {

    public Path dir() {
        return root.resolve("containers").resolve(id);
    }

    public Path configFile() {
        return dir().resolve("config.json");
    }

    public Path stateFile() {
        return dir().resolve("state.json");
    }

    public Path log() {
        return dir().resolve(id + "-json.log");
    }

    public Path hostnameFile() {
        return dir().resolve("hostname");
    }

    public Path hostsFile() {
        return dir().resolve("hosts");
    }

    public Path resolvConf() {
        return dir().resolve("resolv.conf");
    }

    public Path bundle() {
        return dir().resolve("bundle");
    }

    public Path upper() {
        return dir().resolve("upper");
    }

    public Path work() {
        return dir().resolve("work");
    }

    public Path rootfs() {
        return dir().resolve("rootfs");
    }

    public Path monitorDir() {
        return root.resolve("m").resolve(id.substring(0, 16));
    }

    public Path monitorSocket() {
        return monitorDir().resolve("monitor.sock");
    }

    public Path exitFile() {
        return monitorDir().resolve("exit.json");
    }
}
