package dev.berth.engine.container.lifecycle;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerContext;
import dev.berth.engine.container.ContainerPaths;
import dev.berth.engine.container.NetworkSetup;
import dev.berth.engine.container.SpecInputs;
import dev.berth.engine.container.attach.AttachSession;
import dev.berth.engine.container.health.HealthPolicy;
import dev.berth.engine.container.model.ContainerRecord;
import dev.berth.engine.container.model.ContainerState;
import dev.berth.engine.container.model.HostConfig;
import dev.berth.engine.container.rootfs.EtcFiles;
import dev.berth.engine.container.rootfs.OverlayRootfs;
import dev.berth.engine.container.rootfs.UserResolver;
import dev.berth.engine.container.runtime.MonitorClient;
import dev.berth.engine.container.runtime.MonitorLauncher;
import dev.berth.engine.container.runtime.OciRuntime;
import dev.berth.engine.container.spec.SpecBuilder;
import dev.berth.engine.container.spec.SpecInput;
import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.errors.NotModifiedException;
import dev.berth.engine.os.RootDir;
import dev.berth.engine.os.Trees;
import dev.berth.engine.store.AtomicFiles;
import dev.berth.oci.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /containers/{id}/start}: mounts the root filesystem, writes the runtime spec, has a monitor
 * create the container, connects waiting attach sessions, then lets the process run.
 */
public final class StartContainer {
    private final ContainerContext ctx;
    private final NetworkSetup network;
    private final ExitHandler exits;

    public StartContainer(ContainerContext ctx, NetworkSetup network, ExitHandler exits) {
        this.ctx = ctx;
        this.network = network;
        this.exits = exits;
    }

    public void start(Container c) throws IOException {
        c.lock().lock();
        try {
            ContainerState s = c.state();
            if (s.paused()) {
                throw new ConflictException("cannot start a paused container, try unpause instead");
            }
            if (s.running()) {
                throw new NotModifiedException("container already started");
            }
            if (s.status().equals(ContainerState.REMOVING) || s.dead()) {
                throw new ConflictException("container " + c.id() + " is marked for removal and cannot be started");
            }
            doStart(c);
        } finally {
            c.lock().unlock();
        }
    }

    private void doStart(Container c) throws IOException {
        ContainerRecord r = c.record();
        ContainerPaths p = c.paths();
        OverlayRootfs.mount(p, layerDirs(r), ctx.emptyLayer());
        OciRuntime runtime = ctx.runtimes().get(r.runtime());
        try {
            String netns = network.prepare(c);
            writeBundle(c, netns);
            Trees.delete(p.monitorDir());
            runtime.delete(r.id(), true); // state a crashed engine may have left with the runtime
            ctx.monitors().create(r.id(), p.bundle(), runtime, p.monitorDir(), stdio(r), logOptions(r, p));
        } catch (MonitorLauncher.LaunchFailure e) {
            cleanup(c);
            throw StartErrors.translate(c, ctx, e.getMessage());
        } catch (IOException | RuntimeException e) {
            cleanup(c);
            throw e;
        }
        for (AttachSession a : ctx.attaches().takeFor(r.id())) {
            a.connect(p.monitorSocket());
        }
        MonitorClient.call(p.monitorSocket(), "START");
        long pid = Long.parseLong(Files.readString(p.monitorDir().resolve("container.pid")).trim());
        network.started(c, pid);
        ctx.store().saveState(c, c.state().started(pid, Instant.now(), HealthPolicy.initial(r.config())));
        ctx.store().saveFlags(c, new Container.RunFlags(c.flags().restartCount(), false, true));
        ctx.events().publish(c, "start");
        exits.watch(c);
    }

    private void writeBundle(Container c, String netns) throws IOException {
        ContainerRecord r = c.record();
        ContainerPaths p = c.paths();
        EtcFiles.write(p, r.config().hostname(), r.config().domainname(), network.address(c),
                r.hostConfig().extraHosts(), r.hostConfig().dns(), r.hostConfig().dnsSearch(),
                r.hostConfig().dnsOptions(), network.nameservers(c));
        SpecInput.User user;
        List<String> env;
        try (RootDir rootfs = RootDir.open(p.rootfs())) {
            user = UserResolver.resolve(rootfs, r.config().user(), r.hostConfig().groupAdd());
            env = SpecInputs.processEnv(r.config().env(), r.config().hostname(),
                    UserResolver.home(rootfs, user.uid()), r.config().isTty());
            String cwd = r.config().workingDir();
            if (cwd != null && !cwd.isEmpty()) {
                dev.berth.engine.os.Linux.close(rootfs.mkdirs(cwd.substring(1), 0755)); // Docker creates WORKDIR
            }
        }
        List<SpecInput.MountSpec> mounts = new ArrayList<>(List.of(
                bind(p.hostnameFile(), "/etc/hostname"), bind(p.hostsFile(), "/etc/hosts"),
                bind(p.resolvConf(), "/etc/resolv.conf")));
        mounts.addAll(ctx.mounts().prepare(c));
        SpecInput in = SpecInputs.forContainer(r, p, user, env, mounts, namespaces(r, netns), ctx.initBinary());
        Files.createDirectories(p.bundle());
        AtomicFiles.write(p.bundle().resolve("config.json"), SpecBuilder.containerSpec(in));
    }

    static SpecInput.MountSpec bind(Path source, String destination) {
        return new SpecInput.MountSpec(destination, "bind", source.toString(), List.of("rbind", "rprivate"));
    }

    private SpecInputs.Namespaces namespaces(ContainerRecord r, String netns) {
        HostConfig h = r.hostConfig();
        return new SpecInputs.Namespaces(joinable(netns, "net"), mode(h.pidMode(), "pid"), ipc(h.ipcMode()),
                "host".equals(h.utsMode()) ? "host" : null);
    }

    private String joinable(String netns, String kind) {
        if (netns != null && netns.startsWith("container:")) {
            return mode(netns, kind);
        }
        return netns;
    }

    /** "host", "container:<name>" (join that container's namespace), or a private one. */
    private String mode(String mode, String kind) {
        if (mode == null || mode.isEmpty() || mode.equals("private")) {
            return null;
        }
        if (mode.equals("host")) {
            return "host";
        }
        if (mode.startsWith("container:")) {
            Container other = ctx.store().get(mode.substring("container:".length()));
            if (!other.state().running()) {
                throw new ConflictException("cannot join network namespace of a non running container: container "
                        + other.id() + " is " + other.state().status());
            }
            return "/proc/" + other.state().pid() + "/ns/" + kind;
        }
        return null;
    }

    private String ipc(String mode) {
        return mode == null || mode.equals("shareable") || mode.equals("private") ? null : mode(mode, "ipc");
    }

    private List<Path> layerDirs(ContainerRecord r) {
        List<Path> dirs = new ArrayList<>();
        for (Digest d : r.layers()) {
            dirs.add(ctx.images().snapshots().get(d).map(s -> ctx.images().snapshots().path(s))
                    .orElseThrow(() -> new NotFoundException("layer " + d + " of image " + r.image()
                            + " is missing; pull the image again")));
        }
        return dirs;
    }

    private static MonitorLauncher.Stdio stdio(ContainerRecord r) {
        return new MonitorLauncher.Stdio(r.config().isTty(), r.config().isOpenStdin(), r.config().isStdinOnce());
    }

    static MonitorLauncher.LogOptions logOptions(ContainerRecord r, ContainerPaths p) {
        HostConfig.LogConfig lc = r.hostConfig().logConfig();
        var cfg = lc == null || lc.config() == null ? java.util.Map.<String, String>of() : lc.config();
        long max = cfg.containsKey("max-size") ? ByteSizes.parse(cfg.get("max-size")) : 0;
        int files = cfg.containsKey("max-file") ? Integer.parseInt(cfg.get("max-file")) : 1;
        return new MonitorLauncher.LogOptions(p.log(), max, files);
    }

    /** Undoes a failed start: nothing stays mounted or half-created, and waiting attach sessions end. */
    private void cleanup(Container c) {
        ctx.attaches().takeFor(c.id()).forEach(AttachSession::cancel);
        try {
            network.release(c);
            ctx.runtimes().get(c.record().runtime()).delete(c.id(), true);
            OverlayRootfs.unmount(c.paths());
        } catch (IOException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(StartContainer.class).warn("cleanup after failed start of {}: {}",
                    c.id(), e.toString());
        }
    }
}
