package berth.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Networking scenarios (issue P4): bytes and connections through a published port. Both engines relay a
 * connection to 127.0.0.1 with a userland proxy (docker-proxy for dockerd, Berth's own port proxy), so these
 * compare like with like; the container end is the same busybox in both.
 */
final class NetworkScenarios {
    private NetworkScenarios() {}

    /** Starts a detached container publishing {@code containerPort} on a free loopback port; returns that port. */
    static int publish(Engines.Target t, String name, int containerPort, String... imageAndCommand)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("run", "-d", "--name", name, "-p", "127.0.0.1::" + containerPort));
        cmd.addAll(List.of(imageAndCommand));
        t.cli().ok(cmd.toArray(String[]::new));
        String line = t.cli().ok("port", name, containerPort + "/tcp").lines().findFirst().orElseThrow().trim();
        return Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
    }

    /** 1 GiB from the host into a container through {@code -p}: MB/s, higher is better. */
    static final class Throughput implements Scenario {
        static final long BYTES = 1L << 30;

        public String name() {
            return "publish-throughput";
        }

        public String description() {
            return "1 GiB host → container through a published TCP port (MB/s)";
        }

        public Outcome run(Engines engines, Fixtures fixtures, int iterations) throws Exception {
            ContainerScenarios.ensureBusybox(engines, fixtures);
            Map<String, Integer> ports = new LinkedHashMap<>();
            for (Engines.Target t : engines.all()) {
                // a fresh listener for every connection; the sink discards, so the relay is what is measured
                ports.put(t.name(), publish(t, "bench-sink", 5000, "busybox", "sh", "-c",
                        "while true; do nc -l -p 5000 >/dev/null; done"));
            }
            Map<String, List<Double>> seconds = Scenarios.alternate(engines, Math.max(3, iterations / 2),
                    t -> sendWithRetry(ports.get(t.name())));
            Map<String, List<Double>> rates = new LinkedHashMap<>();
            seconds.forEach((engine, ms) -> rates.put(engine,
                    ms.stream().map(x -> BYTES / 1e6 / (x / 1000)).toList()));
            for (Engines.Target t : engines.all()) {
                t.cli().ok("rm", "-f", "bench-sink");
            }
            Outcome o = Outcome.of(name(), "MB/s", rates, "berth ≥ 0.9× dockerd (higher is better)");
            o.note("timed until the container's end closed, i.e. every byte was delivered");
            return o;
        }

        /** The sink restarts its listener between connections; a connection refused in that gap is retried. */
        private static void sendWithRetry(int port) throws Exception {
            for (int attempt = 0; ; attempt++) {
                try {
                    send(port);
                    return;
                } catch (IOException e) {
                    if (attempt >= 20) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
        }

        private static void send(int port) throws IOException {
            byte[] chunk = new byte[1 << 20];
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(60_000);
                OutputStream out = s.getOutputStream();
                for (long sent = 0; sent < BYTES; sent += chunk.length) {
                    out.write(chunk);
                }
                s.shutdownOutput();
                if (s.getInputStream().read() != -1) {
                    throw new IOException("the sink answered instead of closing");
                }
            }
        }
    }

    /** 1000 sequential HTTP requests, one connection each, to busybox httpd behind {@code -p}: p50 and p99. */
    static final class ConnectionSetup implements Scenario {
        static final int CONNECTIONS = 1000;

        public String name() {
            return "publish-connect";
        }

        public String description() {
            return CONNECTIONS + " sequential connections (connect, GET /, read to close) through a published port";
        }

        public Outcome run(Engines engines, Fixtures fixtures, int iterations) throws Exception {
            Map<String, Integer> ports = new LinkedHashMap<>();
            for (Engines.Target t : engines.all()) {
                t.cli().ok("pull", "-q", fixtures.image("web"));
                ports.put(t.name(), publish(t, "bench-web", 80, fixtures.image("web")));
            }
            Map<String, List<Double>> samples = new LinkedHashMap<>();
            for (Engines.Target t : engines.all()) {
                request(ports.get(t.name())); // the first answer proves httpd is up
            }
            // alternate in blocks of 50 so both engines see the same machine state
            for (int block = 0; block < CONNECTIONS / 50; block++) {
                Map<String, List<Double>> part = Scenarios.alternate(engines, 50, t -> request(ports.get(t.name())));
                part.forEach((k, v) -> samples.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
            }
            for (Engines.Target t : engines.all()) {
                t.cli().ok("rm", "-f", "bench-web");
            }
            Outcome o = Outcome.of(name(), "ms", samples, "report p50 and p99");
            samples.forEach((engine, v) -> o.note(String.format("%s: p50 %.2f ms, p99 %.2f ms", engine,
                    Outcome.median(v), Outcome.percentile(v, 99))));
            return o;
        }

        private static void request(int port) throws IOException {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                byte[] first = in.readNBytes(12);
                if (!new String(first, StandardCharsets.US_ASCII).startsWith("HTTP/1.")) {
                    throw new IOException("not an HTTP answer from 127.0.0.1:" + port);
                }
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
    }
}
