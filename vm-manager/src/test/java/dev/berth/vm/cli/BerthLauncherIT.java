package dev.berth.vm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.testkit.DockerCli;
import dev.berth.testkit.NetworkLeftovers;
import dev.berth.testkit.Processes;
import dev.berth.testkit.RegistryFixture;
import dev.berth.testkit.Requirements;
import dev.berth.testkit.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@code ./berth} launcher and its command-line contract, exactly as a user runs them. */
class BerthLauncherIT {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final Path LAUNCHER = ROOT.resolve("berth");

    Path home;
    final String networkPrefix = NetworkLeftovers.newPrefix();

    @BeforeEach
    void home() throws Exception {
        home = Files.createTempDirectory(Path.of("/tmp"), "bh");
    }

    @AfterEach
    void cleanup() throws Exception {
        berth(Map.of(), "engine", "stop");
        NetworkLeftovers.remove(networkPrefix);
        TempDirs.deleteRecursively(home);
    }

    Processes.Result berth(Map<String, String> extraEnv, String... args) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("BERTH_HOME", home.toString());
        env.put("BERTH_NO_BUILD", "1");
        env.put("BERTH_NETWORK_PREFIX", networkPrefix);
        env.putAll(extraEnv);
        List<String> cmd = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        return Processes.run(cmd, env, null, Duration.ofMinutes(2));
    }

    @Test
    void versionAndHelpWork() throws Exception {
        Processes.Result v = berth(Map.of(), "version").requireSuccess();
        assertTrue(v.stdout().startsWith("Berth "), v.stdout());
        Processes.Result help = berth(Map.of(), "--help").requireSuccess();
        assertTrue(help.stdout().contains("engine"), help.stdout());
        Processes.Result engineHelp = berth(Map.of(), "engine", "--help").requireSuccess();
        for (String sub : List.of("start", "stop", "status", "env")) {
            assertTrue(engineHelp.stdout().contains(sub), engineHelp.stdout());
        }
    }

    @Test
    void envPrintsADockerHostLine() throws Exception {
        Processes.Result env = berth(Map.of(), "engine", "env").requireSuccess();
        assertEquals("export DOCKER_HOST=unix://" + home.resolve("run/docker.sock") + "\n", env.stdout());
    }

    @Test
    void completionScriptIsGenerated() throws Exception {
        Processes.Result c = berth(Map.of(), "generate-completion").requireSuccess();
        assertTrue(c.stdout().contains("complete -F"), c.stdout());
    }

    @Test
    void findsJdk25WhenTheDefaultJavaIs17() throws Exception {
        // JAVA_HOME pointing at an old JDK must not win; the launcher looks in the standard folders.
        Path jdk17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        Map<String, String> env = new HashMap<>();
        if (Files.isDirectory(jdk17)) {
            env.put("JAVA_HOME", jdk17.toString());
        }
        Processes.Result v = berth(env, "version").requireSuccess();
        assertTrue(v.stdout().contains("Java:       25") || v.stdout().matches("(?s).*Java:\\s+2[5-9].*"), v.stdout());
    }

    @Test
    void withoutJdk25ItExplainsHowToGetOne() throws Exception {
        Path fakeDirs = Files.createDirectories(home.resolve("nojdk"));
        Processes.Result r = Processes.run(List.of("/bin/bash", LAUNCHER.toString(), "version"),
                Map.of("BERTH_JDK_DIRS", fakeDirs.toString(), "JAVA_HOME", "", "PATH", "/usr/bin:/bin",
                        "BERTH_HOME", home.toString()), null, Duration.ofSeconds(30));
        assertNotEquals(0, r.exitCode());
        assertTrue(r.stderr().contains("no JDK 25 or newer found") && r.stderr().contains("apt-get install"),
                r.stderr());
    }

    @Test
    void engineStartsAnswersTheDockerCliAndStops() throws Exception {
        Requirements.requireRoot();
        Requirements.requireDockerCli();
        berth(Map.of(), "engine", "start").requireSuccess();
        Processes.Result status = berth(Map.of(), "engine", "status");
        assertEquals(0, status.exitCode(), status.stdout());
        assertTrue(status.stdout().contains("engine: running"), status.stdout());

        Path socket = home.resolve("run/docker.sock");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)),
                "the engine socket is owner-only");
        DockerCli docker = DockerCli.forHost("unix://" + socket);
        assertEquals("25.0.0\n", docker.ok("version", "--format", "{{.Server.Version}}"));

        berth(Map.of(), "engine", "start").requireSuccess(); // idempotent
        berth(Map.of(), "engine", "stop").requireSuccess();
        assertEquals(3, berth(Map.of(), "engine", "status").exitCode());
        assertTrue(!Files.exists(socket), "the socket is removed on stop");
    }

    /** The README's first command ends with this: the built-in image, no network, no docker CLI. */
    @Test
    void runPrintsTheHelloWorldGreetingAndPassesExitCodes() throws Exception {
        Requirements.requireRoot();
        berth(Map.of(), "engine", "start").requireSuccess();
        Processes.Result hello = berth(Map.of(), "run", "--rm", "hello-world");
        assertEquals(0, hello.exitCode(), hello.stdout());
        assertTrue(hello.stdout().contains("Hello from Berth!"), hello.stdout());

        Processes.Result failing = berth(Map.of(), "run", "--rm", "hello-world", "/nosuch");
        assertEquals(127, failing.exitCode(), "a missing executable exits 127, as docker run does");

        Processes.Result stopped = berth(Map.of("BERTH_HOME", home.resolve("elsewhere").toString()), "run",
                "hello-world");
        assertEquals(125, stopped.exitCode(), "without an engine: 125 and a hint");
    }

    /** Uninstall stops what runs and leaves none of the engine's bridges, namespaces or rules on the host. */
    @Test
    void uninstallStopsContainersAndRemovesTheEnginesNetworkState() throws Exception {
        Requirements.requireRoot();
        Requirements.requireDockerCli();
        Requirements.requireRegistry();
        berth(Map.of(), "engine", "start").requireSuccess();
        DockerCli docker = DockerCli.forHost("unix://" + home.resolve("run/docker.sock"));
        String id;
        try (RegistryFixture registry = RegistryFixture.startWithFixtures()) {
            docker.ok("network", "create", "mine");
            id = docker.ok("run", "-d", "--network", "mine", "-p", "0:80", registry.host() + "/web").trim();
        }
        assertTrue(Files.exists(Path.of("/sys/class/net", networkPrefix + "0")), "the default bridge exists");

        Processes.Result r = berth(Map.of(), "engine", "uninstall");
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("stopped container " + id.substring(0, 12)), r.stdout());
        assertTrue(r.stdout().contains("kept images, containers and volumes in "), r.stdout());
        assertEquals(3, berth(Map.of(), "engine", "status").exitCode(), "the engine is stopped");
        try (var links = Files.list(Path.of("/sys/class/net"))) {
            assertEquals(List.of(), links.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(networkPrefix)).toList(), "no bridge is left");
        }
        assertTrue(!Files.exists(Path.of("/run/netns", networkPrefix + "-" + id.substring(0, 12))));
        assertTrue(Processes.run(List.of("nft", "list", "table", "inet", networkPrefix), Duration.ofSeconds(30))
                .exitCode() != 0, "the firewall table is gone");
        assertTrue(!Processes.run(List.of("iptables", "-S"), Duration.ofSeconds(30)).stdout()
                .contains("--comment " + networkPrefix + " "), "no iptables rule of ours is left");
    }
}
