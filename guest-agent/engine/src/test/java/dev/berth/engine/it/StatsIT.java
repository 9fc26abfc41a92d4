package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.client.DockerHost;
import dev.berth.api.client.EngineClient;
import dev.berth.testkit.DockerCli;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code docker stats} end to end with the real CLI, which computes the table from dockerd's JSON: CPU % of
 * a busy loop under {@code --cpus 1}, memory against {@code -m}, PIDs, network I/O, a stopped container, and
 * a stream whose container exits. Where a reference dockerd runs, the busy loop's CPU % and the memory limit
 * column are compared with dockerd's: within 10 % of dockerd's figure, because both are one-second samples of
 * a loop that competes with whatever else the shared two-CPU host runs at that moment.
 */
class StatsIT {
    private static final String BUSY = "while :; do :; done";
    private static final String TABLE = "{{.CPUPerc}}|{{.MemUsage}}|{{.PIDs}}|{{.NetIO}}";

    static LimitsFixture f;
    static DockerCli docker;

    @BeforeAll
    static void start() throws Exception {
        f = LimitsFixture.start();
        docker = f.berth();
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void aBusyLoopWithOneCpuShowsAboutAHundredPercent() throws Exception {
        double cpu = busyCpu(docker);
        assertTrue(cpu >= 85 && cpu <= 115, "CPU % of a busy loop under --cpus 1: " + cpu);
    }

    @Test
    void memoryUsageIsShownAgainstTheLimit() throws Exception {
        String id = f.detached(docker, List.of("-m", "64m"), "sleep", "60");
        try {
            String mem = row(docker, id)[1];
            assertTrue(mem.endsWith(" / 64MiB"), mem);
            assertFalse(mem.startsWith("0B "), "a running process uses memory: " + mem);
        } finally {
            docker.run("rm", "-f", id);
        }
    }

    @Test
    void pidsCountsEveryProcessOfTheContainer() throws Exception {
        String id = f.detached(docker, List.of(), "sh", "-c", "sleep 60 & sleep 60 & wait");
        try {
            assertEquals("3", row(docker, id)[2]);
        } finally {
            docker.run("rm", "-f", id);
        }
    }

    @Test
    void networkIoGrowsWithTraffic() throws Exception {
        String id = docker.ok("run", "-d", "--pull", "never", f.busybox, "sleep", "60").trim();
        EngineClient api = new EngineClient(DockerHost.unix(f.engine.socket()));
        try {
            long before = netBytes(api.getJson("/containers/" + id + "/stats?stream=0&one-shot=1"));
            docker.run("exec", id, "sh", "-c", "ping -c 3 -W 1 $(ip route | awk '/default/ {print $3}')");
            long after = netBytes(api.getJson("/containers/" + id + "/stats?stream=0&one-shot=1"));
            assertTrue(after > before, "eth0 bytes before " + before + ", after " + after);
            assertFalse(row(docker, id)[3].equals("0B / 0B"), "the CLI shows it");
        } finally {
            docker.run("rm", "-f", id);
        }
    }

    @Test
    void aStoppedContainerShowsZeros() throws Exception {
        String id = f.detached(docker, List.of(), "true");
        docker.ok("wait", id);
        try {
            String[] row = row(docker, id);
            assertEquals("0.00%", row[0]);
            assertEquals("0B / 0B", row[1]);
            assertEquals("0", row[2]);
        } finally {
            docker.run("rm", "-f", id);
        }
    }

    @Test
    void aStreamEndsCleanlyWhenItsContainerExits() throws Exception {
        String id = f.detached(docker, List.of(), "sleep", "3");
        try (RawConnection c = new RawConnection(f.engine.socket())) {
            c.send("GET /v1.44/containers/" + id + "/stats?stream=1 HTTP/1.1\r\nHost: berth\r\n\r\n");
            String head = c.head(5000);
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n") && head.contains("chunked"), head);
            String body = untilLastChunk(c, 15_000);
            assertTrue(body.contains("\"pids_stats\":{\"current\":1}"), "samples while it ran: " + body);
            assertFalse(body.contains("message"), "no error in the stream: " + body);
            c.send("GET /_ping HTTP/1.1\r\nHost: berth\r\n\r\n");
            assertTrue(c.head(5000).startsWith("HTTP/1.1 200 OK"), "the connection is still usable");
        } finally {
            docker.run("rm", "-f", id);
        }
    }

    @Test
    void busyLoopCpuAndMemoryLimitMatchDockerd() throws Exception {
        DockerCli reference = f.reference();
        double theirs = busyCpu(reference);
        double ours = busyCpu(docker);
        System.out.printf("busy loop --cpus 1: Berth %.2f%%, dockerd %.2f%%%n", ours, theirs);
        assertEquals(theirs, ours, theirs * 0.10, "CPU % within 10 % of dockerd's");

        String refId = f.detached(reference, List.of("-m", "64m"), "sleep", "60");
        String id = f.detached(docker, List.of("-m", "64m"), "sleep", "60");
        try {
            assertEquals(limit(row(reference, refId)[1]), limit(row(docker, id)[1]));
        } finally {
            reference.run("rm", "-f", refId);
            docker.run("rm", "-f", id);
        }
    }

    /** The best of three {@code --no-stream} readings of a busy loop under {@code --cpus 1}: load only lowers it. */
    private static double busyCpu(DockerCli d) throws Exception {
        String id = f.detached(d, List.of("--cpus", "1"), "sh", "-c", BUSY);
        try {
            Thread.sleep(1000);
            List<Double> readings = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String cpu = row(d, id)[0];
                readings.add(Double.parseDouble(cpu.substring(0, cpu.length() - 1)));
            }
            return readings.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        } finally {
            d.run("rm", "-f", id);
        }
    }

    /** One {@code docker stats --no-stream} row: CPU %, memory usage / limit, PIDs, net I/O. */
    private static String[] row(DockerCli d, String id) throws Exception {
        String out = d.ok("stats", "--no-stream", "--format", TABLE, id).trim();
        String[] row = out.split("\\|");
        assertEquals(4, row.length, out);
        return row;
    }

    private static String limit(String memUsage) {
        return memUsage.substring(memUsage.indexOf(" / ") + 3);
    }

    private static long netBytes(JsonNode stats) {
        JsonNode eth0 = stats.at("/networks/eth0");
        assertFalse(eth0.isMissingNode(), "a bridge container has eth0: " + stats);
        return eth0.get("rx_bytes").asLong() + eth0.get("tx_bytes").asLong();
    }

    /** The chunked body up to its terminating chunk, which must come before {@code timeoutMs}. */
    private static String untilLastChunk(RawConnection c, long timeoutMs) throws Exception {
        StringBuilder body = new StringBuilder();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!body.toString().endsWith("\r\n0\r\n\r\n") && !body.toString().equals("0\r\n\r\n")) {
            assertTrue(System.currentTimeMillis() < deadline, "the stream did not end: " + body);
            assertFalse(c.closedByServer() && c.take().length == 0, "the server closed the connection: " + body);
            body.append(new String(c.take(), StandardCharsets.ISO_8859_1));
            Thread.sleep(50);
        }
        return body.toString();
    }
}
