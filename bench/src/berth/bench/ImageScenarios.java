package berth.bench;

import dev.berth.testkit.FixtureImages;
import dev.berth.testkit.registry.FaultyRegistryProxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Image scenarios (issue P2): pulls and listing. */
final class ImageScenarios {
    private ImageScenarios() {}

    static long bigBytes() {
        return FixtureImages.BIG_LAYERS * FixtureImages.BIG_LAYER_SIZE;
    }

    /** Cold pull of the 5-layer ~100 MB image from the local registry; the image is removed before each run. */
    static final class PullCold implements Scenario {
        public String name() {
            return "pull-cold";
        }

        public String description() {
            return "`docker pull` of the 5-layer ~105 MB fixture, cold, from the local registry";
        }

        public Outcome run(Engines engines, Fixtures fixtures, int iterations) throws Exception {
            String image = fixtures.image(FixtureImages.BIG);
            Map<String, List<Double>> samples = new LinkedHashMap<>();
            List<Engines.Target> order = new ArrayList<>(engines.all());
            for (int i = 0; i < iterations; i++) {
                for (Engines.Target t : i % 2 == 0 ? order : order.reversed()) {
                    t.cli().run("rmi", "-f", image);
                    long start = System.nanoTime();
                    t.cli().ok("pull", image);
                    samples.computeIfAbsent(t.name(), k -> new ArrayList<>()).add((System.nanoTime() - start) / 1e6);
                }
            }
            Outcome o = Outcome.of(name(), "ms", samples, "berth ≤ 0.7× dockerd");
            for (var e : samples.entrySet()) {
                o.note(String.format("%s: %.0f MB/s", e.getKey(), bigBytes() / 1e6 / (Outcome.median(e.getValue()) / 1000)));
            }
            return o;
        }
    }

    /** After big, pulling big-plus (same five layers plus one) must download only the new layer. */
    static final class PullShared implements Scenario {
        public String name() {
            return "pull-shared-layers";
        }

        public String description() {
            return "pull of an image sharing 5 of its 6 layers with one already present: layer bytes downloaded";
        }

        public Outcome run(Engines engines, Fixtures fixtures, int iterations) throws Exception {
            Map<String, List<Double>> samples = new LinkedHashMap<>();
            Outcome o = Outcome.of(name(), "ms", samples, "no shared layer downloaded");
            try (FaultyRegistryProxy proxy = FaultyRegistryProxy.start(fixtures.registry.baseUri())) {
                for (Engines.Target t : engines.all()) {
                    String big = proxy.host() + "/" + FixtureImages.BIG;
                    String plus = proxy.host() + "/" + FixtureImages.BIG_PLUS;
                    t.cli().run("rmi", "-f", big, plus);
                    t.cli().ok("pull", big);
                    proxy.clearLog();
                    long start = System.nanoTime();
                    t.cli().ok("pull", plus);
                    samples.put(t.name(), List.of((System.nanoTime() - start) / 1e6));
                    long layerBytes = proxy.requests("GET", "/v2/big-plus/blobs/.*").stream()
                            .mapToLong(FaultyRegistryProxy.Exchange::bytesSent).sum();
                    long blobGets = proxy.count("GET", "/v2/big-plus/blobs/.*");
                    o.note(String.format("%s: %d blob GETs, %d bytes downloaded (config + new layer only)",
                            t.name(), blobGets, layerBytes));
                    t.cli().run("rmi", "-f", big, plus);
                }
            }
            return o;
        }
    }

    /** `docker images` with 200 tagged images. */
    static final class ListImages implements Scenario {
        public String name() {
            return "images-200";
        }

        public String description() {
            return "`docker images` with 200 images";
        }

        public Outcome run(Engines engines, Fixtures fixtures, int iterations) throws Exception {
            java.nio.file.Path rootfs = java.nio.file.Files.createTempFile("bench-rootfs", ".tar");
            try (var out = java.nio.file.Files.newOutputStream(rootfs);
                    var w = new dev.berth.oci.tar.TarWriter(out)) {
                byte[] content = "bench\n".getBytes();
                w.write(dev.berth.oci.tar.TarEntry.file("etc/bench", 0644, content.length, 1), content);
            }
            for (Engines.Target t : engines.all()) {
                for (int i = 0; i < 200; i++) {
                    // a distinct config per image (the label), so 200 image IDs, not 200 tags of one image
                    t.cli().ok("import", "--change", "LABEL n=" + i, rootfs.toString(), "bench/list" + i + ":v1");
                }
            }
            Map<String, List<Double>> samples = Scenarios.alternate(engines, Math.max(iterations, 11),
                    t -> t.cli().ok("images"));
            for (Engines.Target t : engines.all()) {
                List<String> rmi = new ArrayList<>(List.of("rmi"));
                for (int i = 0; i < 200; i++) {
                    rmi.add("bench/list" + i + ":v1");
                }
                t.cli().run(rmi);
            }
            java.nio.file.Files.deleteIfExists(rootfs);
            return Outcome.of(name(), "ms", samples, "≤ 50 ms median");
        }
    }
}
