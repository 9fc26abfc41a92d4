package dev.berth.engine.container;

import dev.berth.engine.container.exec.ExecService;
import dev.berth.engine.container.health.HealthChecks;
import dev.berth.engine.container.lifecycle.CreateContainer;
import dev.berth.engine.container.lifecycle.ExitHandler;
import dev.berth.engine.container.lifecycle.PauseContainer;
import dev.berth.engine.container.lifecycle.Recovery;
import dev.berth.engine.container.lifecycle.RemoveContainer;
import dev.berth.engine.container.lifecycle.StartContainer;
import dev.berth.engine.container.lifecycle.StopContainer;
import dev.berth.engine.container.lifecycle.UpdateContainer;
import dev.berth.engine.container.model.CreateRequest;
import dev.berth.engine.container.model.HostConfig;
import dev.berth.engine.errors.EngineException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.NotModifiedException;
import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.image.ImageUsers;
import dev.berth.engine.os.Trees;
import dev.berth.oci.Digest;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * The container domain's front: one method per API verb, each delegating to its lifecycle class. It also
 * answers the image domain's questions about which images containers use.
 */
public final class ContainerService implements ExitHandler.Followup, ImageUsers {
    private final ContainerContext ctx;
    private final ExitHandler exits;
    private final CreateContainer creator;
    private final StartContainer starter;
    private final StopContainer stopper;
    private final RemoveContainer remover;
    private final PauseContainer pauser;
    private final UpdateContainer updater;
    private final ExecService execs;

    public ContainerService(ContainerContext ctx, NetworkSetup network) {
        this.ctx = ctx;
        this.exits = new ExitHandler(ctx, network);
        this.creator = new CreateContainer(ctx.store(), ctx.images(), ctx.runtimes(), ctx.events(), network,
                ctx.mounts());
        this.starter = new StartContainer(ctx, network, exits);
        this.stopper = new StopContainer(ctx);
        this.remover = new RemoveContainer(ctx, exits);
        this.pauser = new PauseContainer(ctx);
        this.updater = new UpdateContainer(ctx);
        this.execs = new ExecService(ctx);
        HealthChecks health = new HealthChecks(ctx.store(), execs, ctx.events());
        exits.addRunWatcher(health::watch);
        exits.setFollowup(this);
    }

    /** Re-adopts containers that kept running while the engine was away; applies restart policies. */
    public void recover() {
        Recovery r = new Recovery(ctx, exits, starter);
        r.adopt();
        // starting containers can take a while; the API answers meanwhile, as dockerd's does
        Thread.ofVirtual().name("restart-policies").start(r::applyRestartPolicies);
    }

    public ContainerContext context() {
        return ctx;
    }

    public ExecService execs() {
        return execs;
    }

    public Container get(String ref) {
        return ctx.store().get(ref);
    }

    public Collection<Container> all() {
        return ctx.store().all();
    }

    public Container create(String name, CreateRequest req) throws IOException {
        return creator.create(name, req);
    }

    /** {@code docker start}: also what a user does to end the back-off of a restart policy. */
    public void start(Container c) throws IOException {
        exits.reset(c);
        try {
            starter.start(c);
        } catch (EngineException | IOException failed) {
            if (c.record().hostConfig().isAutoRemove() && !c.state().running()) {
                try {
                    remove(c, true, true); // --rm: dockerd removes a container whose start failed (the CLI waits for it)
                } catch (EngineException | IOException alsoFailed) {
                    failed.addSuppressed(alsoFailed);
                }
            }
            throw failed;
        }
    }

    public void stop(Container c, Integer timeout, String signal) throws IOException {
        stopper.stop(c, timeout, signal);
    }

    public void kill(Container c, String signal) throws IOException {
        stopper.kill(c, signal);
    }

    /** Stops a running container (as {@code stop} would) and starts it again. */
    public void restart(Container c, Integer timeout, String signal) throws IOException {
        try {
            stopper.stop(c, timeout, signal);
        } catch (NotModifiedException notRunning) {
            // restart of a stopped container is a start
        }
        start(c);
        ctx.events().publish(c, "restart");
    }

    public void remove(Container c, boolean force) throws IOException {
        remove(c, force, false);
    }

    /** {@code docker rm [-f] [-v]}: {@code volumes} removes the container's anonymous volumes with it. */
    public void remove(Container c, boolean force, boolean volumes) throws IOException {
        remover.remove(c, force, volumes);
        execs.forget(c);
    }

    public void rename(Container c, String newName) throws IOException {
        String name = ContainerNames.normalize(newName);
        String old = c.record().name();
        if (name.equals(old)) {
            throw new InvalidArgumentException("Renaming a container with the same name as its current name");
        }
        ctx.store().rename(c, name);
        ctx.events().publish(c, "rename", Map.of("oldName", old));
    }

    public void pause(Container c, boolean pause) throws IOException {
        pauser.pause(c, pause);
    }

    public void update(Container c, HostConfig changes) throws IOException {
        updater.update(c, changes);
    }

    /**
     * {@code wait}: completes with the exit code once the condition holds. {@code not-running} (the default)
     * is met at once by a stopped container; {@code next-exit} waits for the next exit even then;
     * {@code removed} waits for the removal.
     */
    public CompletableFuture<Integer> await(Container c, String condition) {
        // take the future before reading the state: an exit in between then still completes it
        CompletableFuture<Container.Exit> next = c.nextExit();
        return switch (condition == null ? "" : condition) {
            case "", "not-running" -> c.state().running() || c.state().restarting()
                    ? next.thenApply(Container.Exit::code) : CompletableFuture.completedFuture(c.state().exitCode());
            case "next-exit" -> next.thenApply(Container.Exit::code);
            case "removed" -> c.removed().thenApply(v -> c.state().exitCode());
            default -> throw new InvalidArgumentException("invalid condition: \"" + condition + "\"");
        };
    }

    @Override
    public void restart(Container c) throws IOException {
        starter.start(c);
    }

    /** {@code --rm} after an exit: anonymous volumes go with the container, as dockerd's auto-remove does. */
    @Override
    public void remove(Container c) throws IOException {
        remove(c, false, true);
    }

    @Override
    public Optional<String> runningContainerOf(Digest imageId) {
        return all().stream().filter(c -> c.record().imageId().equals(imageId) && c.state().running())
                .map(Container::id).findFirst();
    }

    @Override
    public Optional<String> stoppedContainerOf(Digest imageId) {
        return all().stream().filter(c -> c.record().imageId().equals(imageId) && !c.state().running())
                .map(Container::id).findFirst();
    }

    @Override
    public Set<Digest> imagesInUse() {
        return all().stream().map(c -> c.record().imageId()).collect(Collectors.toSet());
    }

    /** A container's disk use: its writable layer, and that plus its image (SizeRw, SizeRootFs). */
    public record Sizes(long rw, long rootFs) {
        public void addTo(Map<String, Object> view) {
            view.put("SizeRw", rw);
            view.put("SizeRootFs", rootFs);
        }
    }

    public Sizes sizes(Container c) throws IOException {
        long rw = Trees.size(c.paths().upper());
        long image = ctx.images().find(c.record().imageId().toString()).map(ImageRecord::size).orElse(0L);
        return new Sizes(rw, rw + image);
    }

    /** The layers containers stack on: kept by image GC even when their image is gone. */
    public Set<Digest> heldLayers() {
        return all().stream().flatMap(c -> c.record().layers().stream()).collect(Collectors.toSet());
    }
}
