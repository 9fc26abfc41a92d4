package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.client.ContainerClient;
import dev.berth.api.client.DockerHost;
import dev.berth.api.client.EngineClient;
import dev.berth.testkit.DockerCli;
import dev.berth.testkit.Processes;
import dev.berth.testkit.SharedFixture;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Networking under stress and faults: outbound NAT to another network of the host, an engine killed and
 * restarted with containers running (addresses, names, ports and rules stay consistent), and create/remove
 * cycles that must leave no bridge, veth, namespace, rule or address behind.
 */
class NetworkFaultsIT {
    @RegisterExtension
    static final SharedFixture<ContainerEngine> ENV = new SharedFixture<>(ContainerEngine::start);

    static DockerCli docker;

    @BeforeEach
    void fixture() {
        docker = ENV.get().cli();
    }

    /** A failed test must not leave containers or networks that the leak census would then count. */
    @AfterEach
    void clean() throws Exception {
        ContainerChecks.removeAll(docker);
        docker.run("network", "prune", "-f");
    }

    static Processes.Result sh(String script) throws Exception {
        return Processes.run(List.of("sh", "-c", script), Duration.ofSeconds(30));
    }

    /** A second network on the host (a namespace behind a veth, 198.18.0.0/15 is for tests): "the outside". */
    @Test
    void containersReachOtherNetworksThroughNat() throws Exception {
        // not named with the engine's prefix: the engine's isolation rules treat such interfaces as its bridges
        String ns = "nat" + ENV.get().engine.networkPrefix();
        Path www = Files.createTempDirectory("www");
        Files.writeString(www.resolve("index.html"), "outside\n");
        Path log = www.resolve("httpd.log");
        try {
            sh("ip netns add " + ns + " && ip link add " + ns + "h type veth peer name eth0 netns " + ns
                    + " && ip addr add 198.18.7.1/24 dev " + ns + "h && ip link set " + ns + "h up"
                    + " && ip -n " + ns + " addr add 198.18.7.2/24 dev eth0 && ip -n " + ns + " link set eth0 up"
                    + " && ip -n " + ns + " link set lo up").requireSuccess();
            sh("ip netns exec " + ns + " /bin/busybox httpd -f -v -p 8099 -h " + www + " >/dev/null 2>" + log + " &").requireSuccess();
            Thread.sleep(300);
            assertEquals("outside\n", docker.ok("run", "--rm", "busybox", "wget", "-qO-", "http://198.18.7.2:8099/"));
            String seen = Files.readString(log);
            assertTrue(seen.contains("198.18.7.1"), "the outside saw the host's address (masqueraded): " + seen);
        } finally {
            sh("ip netns pids " + ns + " | xargs -r kill; ip netns delete " + ns + "; ip link delete " + ns + "h");
            Files.deleteIfExists(log);
            Files.deleteIfExists(www.resolve("index.html"));
            Files.deleteIfExists(www);
        }
    }

    @Test
    void anEngineKilledAndRestartedKeepsAddressesNamesPortsAndRules() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        docker.ok("network", "create", "keepnet");
        docker.ok("run", "-d", "--name", "keep", "--network", "keepnet", "-p", port + ":80", "web");
        String ip = docker.ok("inspect", "-f", "{{(index .NetworkSettings.Networks \"keepnet\").IPAddress}}", "keep").trim();

        ENV.get().engine.kill9();
        ENV.get().engine.launch();

        assertEquals(200, get(port), "the published port answers again after the restart");
        assertTrue(docker.ok("run", "--rm", "--network", "keepnet", "busybox", "wget", "-qO-", "http://keep/").contains("<"),
                "the name resolves again");
        String other = docker.ok("run", "--rm", "--network", "keepnet", "busybox", "sh", "-c",
                "ip -4 -o addr show eth0 | awk '{print $4}'").trim();
        assertNotEquals(ip, other.substring(0, other.indexOf('/')), "no address is given out twice");
        assertEquals(0, sh("nft list table inet " + ENV.get().engine.networkPrefix()).exitCode(), "rules are back");
        docker.ok("rm", "-f", "keep");
        docker.ok("network", "rm", "keepnet");
    }

    @Test
    void createRemoveCyclesLeakNothing() throws Exception {
        ContainerEngine env = ENV.get();
        ContainerClient c = new ContainerClient(new EngineClient(DockerHost.unix(env.engine.socket())));
        docker.ok("network", "create", "cycles");
        docker.ok("network", "rm", "cycles");
        List<String> bridges = ContainerEngineNetwork.bridges(env);
        String rules = sh("nft list table inet " + env.engine.networkPrefix()).stdout();
        for (int i = 0; i < 100; i++) {
            docker.ok("network", "create", "cyc" + i);
            docker.ok("network", "rm", "cyc" + i);
        }
        docker.ok("network", "create", "cycles");
        for (int i = 0; i < 200; i++) {
            String id = c.create(null, Map.of("Image", "busybox", "Cmd", List.of("true"),
                    "HostConfig", Map.of("NetworkMode", i % 2 == 0 ? "cycles" : "default")), l -> { });
            CompletableFuture<Integer> exit = c.waitFor(id, "next-exit");
            c.start(id);
            exit.get();
            c.remove(id, true);
        }
        docker.ok("network", "rm", "cycles");
        assertEquals(bridges, ContainerEngineNetwork.bridges(env), "bridges");
        assertEquals(List.of(), ContainerEngineNetwork.veths(env), "veth pairs");
        assertEquals(List.of(), ContainerEngineNetwork.namespaces(env), "namespaces");
        assertEquals(rules, sh("nft list table inet " + env.engine.networkPrefix()).stdout(), "rules");
        docker.ok("network", "create", "--subnet", "10.96.0.0/30", "tiny"); // two usable addresses, one the gateway
        docker.ok("run", "--rm", "--network", "tiny", "busybox", "true");
        docker.ok("run", "--rm", "--network", "tiny", "busybox", "true"); // the address came back each time
        docker.ok("network", "rm", "tiny");
    }

    static int get(int port) throws Exception {
        for (int i = 0; ; i++) {
            try {
                return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (java.io.IOException e) {
                if (i > 20) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
