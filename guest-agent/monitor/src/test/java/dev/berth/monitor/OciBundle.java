package dev.berth.monitor;

import dev.berth.testkit.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Minimal OCI bundles for the tests: a busybox root filesystem and configs adapted from `runc spec`. */
final class OciBundle {
    static final ObjectMapper JSON = JsonMapper.builder().build();

    private OciBundle() {}

    /** /bin/busybox plus a symlink per applet; shared read-only by every test container. */
    static Path rootfs(Path dir) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        String list = Processes.run(List.of("/bin/busybox", "--list"), Duration.ofSeconds(10)).requireSuccess()
                .stdout();
        for (String applet : list.split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox") && !applet.contains("/")) {
                Files.createSymbolicLink(bin.resolve(applet.strip()), Path.of("busybox"));
            }
        }
        for (String d : List.of("proc", "dev", "sys", "tmp", "etc")) {
            Files.createDirectories(dir.resolve(d));
        }
        return dir;
    }

    /** The `runc spec` template, adapted: our args, env, rootfs, cgroup path, terminal setting. */
    static void writeConfig(Path bundle, Path rootfs, String id, boolean tty, List<String> args)
            throws IOException, InterruptedException {
        Files.createDirectories(bundle);
        Processes.run(List.of("/usr/sbin/runc", "spec", "--bundle", bundle.toString()), Duration.ofSeconds(10))
                .requireSuccess();
        Path file = bundle.resolve("config.json");
        ObjectNode config = (ObjectNode) JSON.readTree(Files.readString(file));
        setProcess((ObjectNode) config.get("process"), tty, args);
        ObjectNode root = (ObjectNode) config.get("root");
        root.put("path", rootfs.toString());
        root.put("readonly", true);
        config.put("hostname", id.length() > 60 ? id.substring(0, 60) : id);
        ArrayNode mounts = (ArrayNode) config.get("mounts");
        for (int i = mounts.size() - 1; i >= 0; i--) {
            // the rest of the template's mounts (/proc, /dev, /dev/pts, /dev/shm, /dev/mqueue, /sys) stay
            if (mounts.get(i).get("destination").stringValue().equals("/sys/fs/cgroup")) {
                mounts.remove(i);
            }
        }
        ((ObjectNode) config.get("linux")).put("cgroupsPath", "/berth-monitor-test/" + id);
        Files.writeString(file, JSON.writeValueAsString(config));
    }

    /** An OCI process.json for `runc exec --process`. */
    static void writeProcess(Path file, boolean tty, List<String> args) throws IOException {
        ObjectNode p = JSON.createObjectNode();
        p.putObject("user").put("uid", 0).put("gid", 0);
        p.put("cwd", "/");
        setProcess(p, tty, args);
        Files.writeString(file, JSON.writeValueAsString(p));
    }

    private static void setProcess(ObjectNode p, boolean tty, List<String> args) {
        p.put("terminal", tty);
        ArrayNode a = p.putArray("args");
        args.forEach(a::add);
        ArrayNode env = p.putArray("env");
        env.add("PATH=/bin");
        env.add("TERM=xterm");
    }
}
