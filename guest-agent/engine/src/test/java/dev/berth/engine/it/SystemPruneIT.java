package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.testkit.DockerCli;
import dev.berth.testkit.SharedFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code docker system prune} and {@code system df} as a user runs them: the CLI calls container, network,
 * image and build-cache prune in turn, and fails as a whole if any endpoint is missing.
 */
class SystemPruneIT {
    @RegisterExtension
    static final SharedFixture<ContainerEngine> ENV = new SharedFixture<>(ContainerEngine::start);

    @Test
    void systemPruneFreesWhatIsUnusedAndKeepsWhatRuns() throws Exception {
        DockerCli docker = ENV.get().cli();
        docker.ok("run", "-d", "--name", "keeper", "web");
        docker.ok("run", "--name", "stopped", "busybox", "true");
        docker.ok("network", "create", "unused");
        docker.ok("volume", "create", "named");
        docker.ok("create", "--name", "anon", "-v", "/data", "busybox", "true");

        String out = docker.ok("system", "prune", "-f");
        assertTrue(out.contains("Deleted Containers:") && out.contains("Deleted Networks:"), out);
        assertTrue(out.contains("Total reclaimed space:"), out);
        assertEquals("keeper\n", docker.ok("ps", "-a", "--format", "{{.Names}}"), "only the running one is left");
        assertFalse(docker.ok("network", "ls", "--format", "{{.Name}}").contains("unused"));
        assertTrue(docker.ok("volume", "ls", "-q").contains("named"), "volumes only go with --volumes");

        docker.ok("system", "prune", "-af", "--volumes");
        assertEquals("", docker.ok("volume", "ls", "-q", "--filter", "label=com.docker.volume.anonymous"),
                "the anonymous volume of the removed container is gone");
        assertTrue(docker.ok("images", "--format", "{{.Repository}}").contains("web"), "the image in use stays");
        assertFalse(docker.ok("images", "--format", "{{.Repository}}").lines().anyMatch("busybox"::equals),
                "-a removes images no container uses");
        String df = docker.ok("system", "df");
        assertTrue(df.startsWith("TYPE") && df.contains("Images") && df.contains("Local Volumes")
                && df.contains("Build Cache"), df);
        docker.ok("rm", "-f", "keeper");
    }
}
