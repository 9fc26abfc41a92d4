package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.testkit.DockerCli;
import dev.berth.testkit.EngineProcess;
import dev.berth.testkit.FixtureImages;
import dev.berth.testkit.Processes;
import dev.berth.testkit.Requirements;
import dev.berth.testkit.registry.AuthRegistryFixture;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Registries that need credentials, with the docker CLI's own flow: {@code docker login} (POST /auth on the
 * engine), then pulls and pushes that carry X-Registry-Auth. Basic auth and Bearer tokens both.
 */
class AuthPullIT {
    @ParameterizedTest
    @EnumSource(AuthRegistryFixture.Mode.class)
    void loginPullAndPush(AuthRegistryFixture.Mode mode) throws Exception {
        Requirements.requireRoot();
        Requirements.requireRegistry();
        Requirements.requireDockerCli();
        try (AuthRegistryFixture registry = AuthRegistryFixture.start(mode);
                EngineProcess engine = EngineProcess.start()) {
            registry.pushFixtures(FixtureImages.layout(), List.of("busybox"));
            DockerCli docker = engine.cli();
            String image = registry.host() + "/busybox";

            Processes.Result anonymous = docker.run("pull", image);
            assertEquals(1, anonymous.exitCode());
            assertTrue(anonymous.stderr().contains("authentication required")
                    || anonymous.stderr().contains("unauthorized") || anonymous.stderr().contains("denied"),
                    anonymous.stderr());

            Processes.Result wrong = docker.run(List.of("login", "-u", registry.username(), "--password-stdin",
                    registry.host()), "not-the-password".getBytes(), Duration.ofSeconds(60));
            assertEquals(1, wrong.exitCode(), wrong.stdout());

            Processes.Result login = docker.run(List.of("login", "-u", registry.username(), "--password-stdin",
                    registry.host()), registry.password().getBytes(), Duration.ofSeconds(60));
            assertEquals(0, login.exitCode(), login.stderr());
            assertTrue(login.stdout().contains("Login Succeeded"), login.stdout());

            docker.ok("pull", image);
            docker.ok("tag", image, registry.host() + "/mine:1");
            assertTrue(docker.ok("push", registry.host() + "/mine:1").contains("1: digest: sha256:"));
            docker.ok("logout", registry.host());
            docker.ok("rmi", registry.host() + "/mine:1");
            assertEquals(1, docker.run("pull", registry.host() + "/mine:1").exitCode(),
                    "after logout the engine holds no credentials of its own for that registry");
        }
    }
}
