package dev.berth.engine.it;

import dev.berth.testkit.DockerCli;
import dev.berth.testkit.EngineProcess;
import dev.berth.testkit.RegistryFixture;
import dev.berth.testkit.Requirements;
import java.io.IOException;

/**
 * An engine with the fixture images pulled from a real registry and tagged with their short names
 * ({@code busybox}, {@code web}), as a user would have them: what the container ITs start from. One per
 * test class; closing it removes every container, stops the engine and the registry.
 */
final class ContainerEngine implements AutoCloseable {
    final RegistryFixture registry;
    final EngineProcess engine;

    private ContainerEngine(RegistryFixture registry, EngineProcess engine) {
        this.registry = registry;
        this.engine = engine;
    }

    static ContainerEngine start() throws IOException, InterruptedException {
        Requirements.requireRoot();
        Requirements.requireRegistry();
        Requirements.requireDockerCli();
        RegistryFixture registry = RegistryFixture.startWithFixtures();
        EngineProcess engine;
        try {
            engine = EngineProcess.start();
        } catch (IOException | RuntimeException e) {
            registry.close();
            throw e;
        }
        ContainerEngine ce = new ContainerEngine(registry, engine);
        for (String image : new String[] {"busybox", "web"}) {
            String remote = registry.host() + "/" + image;
            engine.cli().ok("pull", "-q", remote);
            engine.cli().ok("tag", remote, image);
        }
        return ce;
    }

    DockerCli cli() {
        return engine.cli();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            engine.close();
        } finally {
            registry.close();
        }
    }
}
