package dev.berth.engine;

import dev.berth.api.http.HttpLimits;
import dev.berth.engine.api.ApiServer;
import dev.berth.engine.api.Router;
import dev.berth.engine.archive.ApplyOptions;
import dev.berth.engine.container.ContainerContext;
import dev.berth.engine.container.ContainerEvents;
import dev.berth.engine.container.ContainerService;
import dev.berth.engine.container.ContainerStore;
import dev.berth.engine.container.ContainerViews;
import dev.berth.engine.container.MountSetup;
import dev.berth.engine.container.NetworkSetup;
import dev.berth.engine.container.api.ContainerRoutes;
import dev.berth.engine.container.api.StreamRoutes;
import dev.berth.engine.container.attach.AttachRegistry;
import dev.berth.engine.container.exec.ExecRoutes;
import dev.berth.engine.container.fs.ContainerFsRoutes;
import dev.berth.engine.container.runtime.MonitorLauncher;
import dev.berth.engine.container.runtime.Runtimes;
import dev.berth.engine.events.EventBus;
import dev.berth.engine.events.EventRoutes;
import dev.berth.engine.image.AuthRoutes;
import dev.berth.engine.image.BuiltinImages;
import dev.berth.engine.image.ImageArchiveRoutes;
import dev.berth.engine.image.ImageGc;
import dev.berth.engine.image.ImageRemover;
import dev.berth.engine.image.ImageRoutes;
import dev.berth.engine.image.ImageService;
import dev.berth.engine.image.ImageStore;
import dev.berth.engine.image.Leases;
import dev.berth.engine.image.archive.ImageArchives;
import dev.berth.engine.image.pull.ImagePuller;
import dev.berth.engine.image.push.ImagePusher;
import dev.berth.engine.image.registry.DockerConfigCredentials;
import dev.berth.engine.image.registry.RegistryClient;
import dev.berth.engine.image.registry.RegistryConfig;
import dev.berth.engine.store.content.LocalContentStore;
import dev.berth.engine.store.snapshot.SnapshotStore;
import dev.berth.engine.system.DiskUsageRoutes;
import dev.berth.engine.system.SystemRoutes;
import dev.berth.engine.network.NetworkDomain;
import dev.berth.engine.network.NetworkViews;
import dev.berth.engine.volume.VolumeDomain;
import dev.berth.monitor.MonitorBinary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running engine: its stores and services, wired together, and the API server in front of them. The
 * data root holds {@code content/} (blobs), {@code snapshots/} (unpacked layers), {@code meta/} (image
 * records and names) and {@code tmp/} (staging); docs/internals.md describes each.
 */
public final class Engine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    private final EngineConfig config;
    private ApiServer server;
    private RegistryClient registry;
    private ImageService images;
    private NetworkDomain network;

    public Engine(EngineConfig config) {
        this.config = config;
    }

    public void start() throws IOException {
        Files.createDirectories(config.root());
        EventBus events = new EventBus();
        images = openImages(events);
        network = NetworkDomain.open(config.root(), config.network(), events);
        ContainerStore containerStore = new ContainerStore(config.root());
        VolumeDomain volumes = VolumeDomain.open(config.root(), containerStore, events);
        ContainerService containers = openContainers(events, network.setup(), containerStore,
                volumes.containerVolumes());
        NetworkViews networkViews = network.views(containers.context().store());
        ContainerViews containerViews = new ContainerViews(networkViews, volumes.containerVolumes());
        Router router = new Router();
        network.register(router, containers.context().store(), networkViews);
        volumes.register(router);
        new SystemRoutes(config, images, containers).register(router);
        new EventRoutes(events).register(router);
        new DiskUsageRoutes(images, containers, containerViews, volumes::usage).register(router);
        registerImageRoutes(router, containers);
        registerContainerRoutes(router, containers, containerViews);
        network.recover(containers.context().store());
        containers.recover();
        server = new ApiServer(router, HttpLimits.DEFAULT);
        server.listenUnix(config.socket(), config.socketOwner());
        if (config.tcp() != null) {
            server.listenTcp(config.tcp());
        }
        log.info("engine {} ready, root {}", EngineVersion.BERTH, config.root());
    }

    /** The image domain: GC first (a crash may have left garbage), the built-in image, then the routes. */
    private void registerImageRoutes(Router router, ContainerService containers) throws IOException {
        Leases leases = new Leases();
        ImageGc gc = new ImageGc(images, leases, containers::heldLayers);
        gc.collect();
        Path staging = staging();
        ApplyOptions layerOptions = ApplyOptions.layer(config.pull().maxLayerBytes(), config.pull().freeSpaceReserve());
        BuiltinImages.ensureHelloWorld(images, staging, layerOptions);
        registry = new RegistryClient(RegistryConfig.defaults(config.insecureRegistries()),
                new DockerConfigCredentials(RegistryConfig.defaultDockerConfigDir()));
        ImagePuller puller = new ImagePuller(images, registry, config.pull(), leases);
        ImageArchives archives = new ImageArchives(images, layerOptions, staging);
        new ImageRoutes(images, puller, new ImagePusher(images, registry),
                new ImageRemover(images, containers, gc), new ImageArchiveRoutes(archives)).register(router);
        new AuthRoutes(registry).register(router);
        // cp, export, diff and commit: commit stores a layer, so it shares the image domain's leases
        new ContainerFsRoutes(containers.context(), layerOptions, leases).register(router);
    }

    /**
     * The container domain: the monitor binary installed next to the data (containers keep running it while
     * the engine is replaced), the runtimes found here, and the stored containers.
     */
    private ContainerService openContainers(EventBus events, NetworkSetup networkSetup, ContainerStore store,
            MountSetup mounts) throws IOException {
        Path root = config.root();
        Path monitor = MonitorBinary.install(root.resolve("bin"));
        Path emptyLayer = Files.createDirectories(root.resolve("empty"));
        Path tini = Path.of("/usr/bin/tini-static");
        ContainerContext ctx = new ContainerContext(root, store, images,
                new Runtimes(root.resolve("runtimes")), new MonitorLauncher(monitor), new ContainerEvents(events),
                new AttachRegistry(), mounts, Files.isExecutable(tini) ? tini : null, emptyLayer);
        return new ContainerService(ctx, networkSetup);
    }

    private static void registerContainerRoutes(Router router, ContainerService containers, ContainerViews views) {
        new ContainerRoutes(containers, views).register(router);
        new StreamRoutes(containers).register(router);
        new ExecRoutes(containers.context().store(), containers.execs()).register(router);
    }

    /** A scratch directory on the data disk, emptied at every start (its contents never outlive a run). */
    private Path staging() throws IOException {
        Path tmp = Files.createDirectories(config.root().resolve("tmp"));
        dev.berth.engine.os.Trees.empty(tmp);
        return tmp;
    }

    /** Opens the stores, repairs what a crash may have left, and drops stale downloads. */
    private ImageService openImages(EventBus events) throws IOException {
        LocalContentStore content = new LocalContentStore(config.root().resolve("content"));
        int stale = content.removeStaleIngests(Duration.ofHours(24));
        if (stale > 0) {
            log.info("removed {} abandoned downloads", stale);
        }
        SnapshotStore snapshots = new SnapshotStore(config.root().resolve("snapshots"));
        ImageService service = new ImageService(content, snapshots, new ImageStore(config.root().resolve("meta")),
                events);
        service.recover();
        return service;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        if (network != null) {
            network.close();
        }
        if (registry != null) {
            registry.close();
        }
        try {
            Files.deleteIfExists(config.socket());
        } catch (IOException e) {
            log.warn("cannot remove {}: {}", config.socket(), e.toString());
        }
    }
}
