package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.berth.testkit.DockerCli;
import dev.berth.testkit.Processes;
import dev.berth.testkit.SharedFixture;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Networking as the acceptance tries it, with the real docker CLI: names resolve on user networks,
 * published TCP and UDP ports answer from the host, networks are isolated from each other, internal ones
 * have no way out, {@code host.docker.internal} reaches the host, and Docker's errors for taken ports and
 * overlapping subnets.
 */
class NetworkIT {
    @RegisterExtension
    static final SharedFixture<ContainerEngine> ENV = new SharedFixture<>(ContainerEngine::start);

    static DockerCli docker;

    @BeforeEach
    void fixture() {
        docker = ENV.get().cli();
    }

    @AfterEach
    void clean() throws Exception {
        ContainerChecks.removeAll(docker);
        docker.run("network", "prune", "-f");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void containersOnAUserNetworkReachEachOtherByName() throws Exception {
        docker.ok("network", "create", "app");
        docker.ok("run", "-d", "--name", "web1", "--network", "app", "--network-alias", "frontend", "web");
        String page = docker.ok("run", "--rm", "--network", "app", "busybox", "wget", "-qO-", "http://web1/");
        assertTrue(page.contains("<"), page);
        String shared = docker.ok("run", "--rm", "--network", "container:web1", "busybox", "wget", "-qO-",
                "http://127.0.0.1/");
        assertEquals(page, shared, "--network container:web1 shares web1's namespace, loopback included");
        assertTrue(docker.ok("run", "--rm", "--network", "app", "busybox", "wget", "-qO-", "http://frontend/")
                .contains("<"), "aliases resolve too");
        Processes.Result nc = docker.run("run", "--rm", "--network", "app", "busybox", "sh", "-c",
                "echo | nc -w 2 web1 80");
        assertEquals(0, nc.exitCode(), nc.stderr());
        Processes.Result unknown = docker.run("run", "--rm", "--network", "app", "busybox", "nslookup", "nosuch-name");
        assertNotEquals(0, unknown.exitCode(), "unknown names do not resolve");
    }

    @Test
    void theDefaultBridgeGivesAddressesButNoNames() throws Exception {
        docker.ok("run", "-d", "--name", "plain", "web");
        String ip = docker.ok("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "plain").trim();
        assertTrue(ip.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"), "an address on the default bridge: " + ip);
        assertTrue(docker.ok("run", "--rm", "busybox", "wget", "-qO-", "http://" + ip + "/").contains("<"));
        assertNotEquals(0, docker.run("run", "--rm", "busybox", "sh", "-c", "timeout 3 wget -qO- http://plain/; exit $?").exitCode(),
                "as Docker: no name resolution on the default bridge");
    }

    @Test
    void aPublishedTcpPortAnswersFromTheHost() throws Exception {
        int port = freePort();
        docker.ok("run", "-d", "--name", "pub", "-p", port + ":80", "web");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("<"));
        assertEquals("0.0.0.0:" + port + "\n", docker.ok("port", "pub", "80/tcp"));
        assertTrue(docker.ok("ps", "--format", "{{.Ports}}").contains("0.0.0.0:" + port + "->80/tcp"));
    }

    @Test
    void aPublishedUdpPortAnswersFromTheHost() throws Exception {
        int port = freePort();
        docker.ok("create", "--name", "udp", "-p", port + ":5353/udp", "busybox", "/udp-echo", "5353");
        docker.ok("cp", udpEcho().toString(), "udp:/udp-echo");
        docker.ok("start", "udp");
        byte[] reply = new byte[64];
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(1000);
            DatagramPacket in = new DatagramPacket(reply, reply.length);
            boolean answered = false;
            for (int i = 0; i < 10 && !answered; i++) { // the listener may need a moment to start
                s.send(new DatagramPacket("ping\n".getBytes(), 5, InetAddress.getLoopbackAddress(), port));
                try {
                    s.receive(in);
                    answered = true;
                } catch (java.net.SocketTimeoutException notYet) {
                    // try again
                }
            }
            assertTrue(answered, "no UDP answer through the published port");
            assertEquals("ping\n", new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8));
        }
    }

    /** Builds the UDP echo server (busybox has none) with the C compiler scripts/setup installs. */
    static Path udpEcho() throws Exception {
        Path dir = Files.createTempDirectory("berth-udp-echo");
        Path source = dir.resolve("udp-echo.c");
        try (InputStream in = NetworkIT.class.getResourceAsStream("/it/udp-echo.c")) {
            Files.copy(in, source);
        }
        Path binary = dir.resolve("udp-echo");
        Processes.Result cc = Processes.run(List.of("gcc", "-static", "-O2", "-o", binary.toString(),
                source.toString()), Duration.ofMinutes(1));
        assertEquals(0, cc.exitCode(), "gcc: " + cc.stderr());
        return binary;
    }

    // the probes run under sh, and not as its last command (which sh would exec in its place): busybox
    // timeout also execs the command, and as the container's PID 1 wget would ignore the SIGTERM
    @Test
    void networksAreIsolatedAndInternalOnesHaveNoWayOut() throws Exception {
        docker.ok("network", "create", "net-a");
        docker.ok("network", "create", "net-b");
        docker.ok("network", "create", "--internal", "closed");
        docker.ok("run", "-d", "--name", "in-a", "--network", "net-a", "web");
        String ipA = docker.ok("inspect", "-f", "{{(index .NetworkSettings.Networks \"net-a\").IPAddress}}", "in-a").trim();
        assertEquals(0, docker.run("run", "--rm", "--network", "net-a", "busybox", "sh", "-c",
                "timeout 3 wget -qO- http://" + ipA + "/; exit $?").exitCode(), "same network: reachable");
        assertNotEquals(0, docker.run("run", "--rm", "--network", "net-b", "busybox", "sh", "-c",
                "timeout 3 wget -qO- http://" + ipA + "/; exit $?").exitCode(), "another network: isolated");
        assertNotEquals(0, docker.run("run", "--rm", "--network", "closed", "busybox", "sh", "-c",
                "timeout 3 wget -qO- http://" + ipA + "/; exit $?").exitCode(), "an internal network has no way out");
    }

    @Test
    void hostDockerInternalReachesAServerOnTheHost() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("0.0.0.0", 0), 0);
        server.createContext("/", ex -> {
            byte[] b = "from-the-host".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            assertEquals("from-the-host", docker.ok("run", "--rm", "busybox", "wget", "-qO-",
                    "http://host.docker.internal:" + port + "/"));
            docker.ok("network", "create", "hostnet");
            assertEquals("from-the-host", docker.ok("run", "--rm", "--network", "hostnet", "busybox", "wget", "-qO-",
                    "http://host.docker.internal:" + port + "/"));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aTakenHostPortFailsTheStartAndLeavesNothingHalfDone() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            int port = taken.getLocalPort();
            Processes.Result r = docker.run("run", "-d", "--name", "clash", "-p", port + ":80", "web");
            assertEquals(125, r.exitCode());
            assertTrue(r.stderr().contains("port is already allocated") || r.stderr().contains("address already in use"),
                    r.stderr());
            assertEquals("created\n", docker.ok("inspect", "-f", "{{.State.Status}}", "clash"));
            assertEquals(List.of(), ContainerEngineNetwork.namespaces(ENV.get()), "no namespace left");
        }
    }

    @Test
    void overlappingSubnetsAreRefused() throws Exception {
        docker.ok("network", "create", "--subnet", "10.99.0.0/16", "first");
        Processes.Result r = docker.run("network", "create", "--subnet", "10.99.1.0/24", "second");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("Pool overlaps with other one on this address space"), r.stderr());
        assertFalse(docker.ok("network", "ls", "--format", "{{.Name}}").contains("second"));
    }

    @Test
    void networkCommands() throws Exception {
        docker.ok("network", "create", "--label", "team=a", "--subnet", "10.98.0.0/24", "--gateway", "10.98.0.254", "cmds");
        assertEquals("10.98.0.0/24 10.98.0.254\n", docker.ok("network", "inspect", "-f",
                "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}", "cmds"));
        docker.ok("run", "-d", "--name", "c1", "busybox", "sleep", "60");
        docker.ok("network", "connect", "--alias", "extra", "cmds", "c1");
        assertTrue(docker.ok("exec", "c1", "ip", "-4", "addr").contains("10.98.0."), "connected while running");
        assertTrue(docker.ok("network", "inspect", "-f", "{{range .Containers}}{{.Name}}{{end}}", "cmds").contains("c1"));
        Processes.Result busy = docker.run("network", "rm", "cmds");
        assertTrue(busy.stderr().contains("has active endpoints"), busy.stderr());
        docker.ok("network", "disconnect", "cmds", "c1");
        assertFalse(docker.ok("exec", "c1", "ip", "-4", "addr").contains("10.98.0."), "disconnected while running");
        docker.ok("network", "rm", "cmds");
        assertTrue(docker.run("network", "rm", "bridge").stderr().contains("pre-defined network and cannot be removed"));
        assertEquals("bridge\nhost\nnone\n", docker.ok("network", "ls", "--format", "{{.Name}}"));
    }

    @Test
    void staticAddressesAliasesAndExtraHosts() throws Exception {
        docker.ok("network", "create", "--subnet", "10.97.0.0/24", "fixed");
        String out = docker.ok("run", "--rm", "--network", "fixed", "--ip", "10.97.0.42", "--add-host", "db.local:10.1.2.3",
                "busybox", "sh", "-c", "ip -4 addr show eth0; cat /etc/hosts");
        assertTrue(out.contains("10.97.0.42/24"), out);
        assertTrue(out.contains("10.1.2.3\tdb.local"), out);
        Processes.Result onDefault = docker.run("run", "--rm", "--ip", "10.97.0.43", "busybox", "true");
        assertTrue(onDefault.stderr().contains("user specified IP address is supported on user defined networks only"),
                onDefault.stderr());
    }
}
