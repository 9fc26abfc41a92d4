package dev.berth.testkit;

import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.Platform;
import dev.berth.oci.RuntimeConfig;
import dev.berth.oci.layout.OciLayout;
import dev.berth.oci.maker.HelloWorld;
import dev.berth.oci.maker.ImageMaker;
import dev.berth.oci.maker.ImageMaker.Format;
import dev.berth.oci.maker.LayerSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;

/**
 * The fixture images every registry-backed test uses, built from Debian's busybox-static by the image maker:
 * <ul>
 *   <li>{@code busybox} — the host architecture's busybox with its applets (Docker schema 2)</li>
 *   <li>{@code hello-world} — the engine's built-in image: prints a greeting, exits 0 (OCI index, amd64+arm64)</li>
 *   <li>{@code multiarch} — busybox for linux/amd64 and linux/arm64 (OCI index)</li>
 *   <li>{@code big} — five layers of 20 MiB incompressible data (Docker schema 2)</li>
 *   <li>{@code big-plus} — big's five layers plus one small layer: a second image sharing layers</li>
 *   <li>{@code whiteout} — busybox plus a layer that deletes a file and makes a directory opaque (OCI)</li>
 *   <li>{@code web} — busybox httpd serving /www on port 80, {@code EXPOSE 80} (Docker schema 2)</li>
 * </ul>
 * The layout is built once per busybox version into a cache directory and reused.
 */
public final class FixtureImages {
    public static final String BUSYBOX = "busybox";
    public static final String HELLO = "hello-world";
    public static final String MULTIARCH = "multiarch";
    public static final String BIG = "big";
    public static final String BIG_PLUS = "big-plus";
    public static final String WHITEOUT = "whiteout";
    public static final String WEB = "web";
    public static final List<String> ALL = List.of(BUSYBOX, HELLO, MULTIARCH, BIG, BIG_PLUS, WHITEOUT, WEB);

    /** Bump when a recipe below changes, so cached layouts are rebuilt. */
    static final int RECIPE_VERSION = 2;
    public static final int BIG_LAYERS = 5;
    public static final long BIG_LAYER_SIZE = 20L << 20;
    public static final String WEB_PAGE = "<html><body><h1>Hello from the Berth web fixture</h1></body></html>\n";
    static final List<String> PATH_ENV =
            List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

    private FixtureImages() {}

    /** The cached fixture layout, building it first if needed. */
    public static OciLayout layout() throws IOException, InterruptedException {
        BusyboxSource busybox = BusyboxSource.find();
        Path dir = cacheDir().resolve("fixtures-v" + RECIPE_VERSION + "-" + busybox.fingerprint().shortHex());
        if (Files.isRegularFile(dir.resolve("index.json")) && Files.isRegularFile(dir.resolve("complete"))) {
            return OciLayout.open(dir);
        }
        Path tmp = Files.createTempDirectory(cacheDir(), ".building-");
        build(OciLayout.create(tmp), busybox);
        Files.writeString(tmp.resolve("complete"), "");
        try {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
            TempDirs.deleteRecursively(tmp); // another process built it first; theirs is identical
        }
        return OciLayout.open(dir);
    }

    /** Builds every fixture into {@code layout}, tagged {@code <name>:latest}. */
    public static void build(OciLayout layout, BusyboxSource busybox) throws IOException, InterruptedException {
        ImageMaker maker = new ImageMaker(layout);
        Platform host = Platform.host();
        Map<String, byte[]> binaries = busybox.binaries();
        List<String> applets = busybox.applets();

        ImageMaker.Layer hostBase = maker.layer(busyboxLayer(binaries.get(host.architecture()), applets), Format.DOCKER);
        RuntimeConfig shell = RuntimeConfig.empty().withEnv(PATH_ENV).withCmd(List.of("sh"));
        layout.tag(BUSYBOX + ":latest", maker.image(host, Format.DOCKER, List.of(hostBase), shell));

        layout.tag(HELLO + ":latest", HelloWorld.build(layout));

        List<Descriptor> perArch = new ArrayList<>();
        for (String arch : HelloWorld.ARCHITECTURES) {
            ImageMaker.Layer base = maker.layer(busyboxLayer(binaries.get(arch), applets), Format.OCI);
            perArch.add(maker.image(Platform.of("linux", arch), Format.OCI, List.of(base), shell));
        }
        layout.tag(MULTIARCH + ":latest", maker.index(Format.OCI, perArch));

        ImageMaker fast = new ImageMaker(layout, Deflater.BEST_SPEED);
        List<ImageMaker.Layer> big = new ArrayList<>();
        for (int i = 1; i <= BIG_LAYERS; i++) {
            big.add(fast.layer(LayerSpec.named("ADD data" + i).randomFile("data/blob" + i, BIG_LAYER_SIZE, i),
                    Format.DOCKER));
        }
        layout.tag(BIG + ":latest", maker.image(host, Format.DOCKER, big, RuntimeConfig.empty().withEnv(PATH_ENV)));
        List<ImageMaker.Layer> bigPlus = new ArrayList<>(big);
        bigPlus.add(maker.layer(LayerSpec.named("ADD extra").file("data/extra", 0644, bytes("one more layer\n")),
                Format.DOCKER));
        layout.tag(BIG_PLUS + ":latest", maker.image(host, Format.DOCKER, bigPlus,
                RuntimeConfig.empty().withEnv(PATH_ENV)));

        ImageMaker.Layer ociBase = maker.layer(busyboxLayer(binaries.get(host.architecture()), applets), Format.OCI);
        ImageMaker.Layer lower = maker.layer(LayerSpec.named("lower")
                .file("data/keep", 0644, bytes("keep\n")).file("data/gone", 0644, bytes("gone\n"))
                .file("opaque/a", 0644, bytes("a\n")).file("opaque/sub/b", 0644, bytes("b\n")), Format.OCI);
        ImageMaker.Layer upper = maker.layer(LayerSpec.named("upper: delete data/gone, make opaque/ opaque")
                .whiteout("data/gone").opaque("opaque").file("opaque/c", 0644, bytes("c\n")), Format.OCI);
        layout.tag(WHITEOUT + ":latest", maker.image(host, Format.OCI, List.of(ociBase, lower, upper), shell));

        ImageMaker.Layer www = maker.layer(LayerSpec.named("COPY index.html /www/")
                .file("www/index.html", 0644, bytes(WEB_PAGE)), Format.DOCKER);
        RuntimeConfig web = RuntimeConfig.empty().withEnv(PATH_ENV)
                .withCmd(List.of("httpd", "-f", "-v", "-p", "80", "-h", "/www"))
                .withExposedPorts(Map.of("80/tcp", Map.of()));
        layout.tag(WEB + ":latest", maker.image(host, Format.DOCKER, List.of(hostBase, www), web));
    }

    /** Pushes every fixture to {@code registry} as {@code <name>:latest}. */
    public static void pushAll(OciLayout layout, URI registry) throws IOException, InterruptedException {
        RegistryPusher pusher = new RegistryPusher(layout, registry);
        for (String name : ALL) {
            pusher.push(layout.find(name + ":latest").orElseThrow(), name, "latest");
        }
    }

    /** A root filesystem of busybox with one symlink per applet, plus the few files every image has. */
    static LayerSpec busyboxLayer(byte[] binary, List<String> applets) {
        LayerSpec spec = LayerSpec.named("busybox rootfs").file("bin/busybox", 0755, binary)
                .dir("tmp", 01777).dir("root", 0700).dir("proc", 0555).dir("sys", 0555).dir("dev", 0755)
                .dir("etc", 0755).dir("home", 0755).dir("var/www", 0755)
                .file("etc/passwd", 0644, bytes("root:x:0:0:root:/root:/bin/sh\n"
                        + "nobody:x:65534:65534:nobody:/home:/bin/false\n"))
                .file("etc/group", 0644, bytes("root:x:0:\nnobody:x:65534:\n"));
        for (String applet : applets) {
            if (!applet.equals("bin/busybox")) {
                spec.symlink(applet, "/bin/busybox");
            }
        }
        return spec;
    }

    public static Path cacheDir() throws IOException {
        String env = System.getenv("BERTH_CACHE");
        Path dir = env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "berth");
        return Files.createDirectories(dir);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Where the busybox binaries come from and a digest naming that exact input. */
    public record BusyboxSource(Map<String, byte[]> binaries, List<String> applets, Digest fingerprint) {
        /** The host's /bin/busybox (busybox-static) and the other architecture's .deb from the cache. */
        public static BusyboxSource find() throws IOException, InterruptedException {
            Path native_ = Path.of("/bin/busybox");
            if (!Files.isExecutable(native_)) {
                throw new IOException("/bin/busybox is missing (Debian package busybox-static; run scripts/setup test)");
            }
            String hostArch = Platform.host().architecture();
            Map<String, byte[]> binaries = new java.util.TreeMap<>();
            binaries.put(hostArch, Files.readAllBytes(native_));
            for (String arch : HelloWorld.ARCHITECTURES) {
                if (!arch.equals(hostArch)) {
                    Path deb = cacheDir().resolve("debs/busybox-static_" + arch + ".deb");
                    if (!Files.isRegularFile(deb)) {
                        throw new IOException(deb + " is missing (scripts/setup test downloads it)");
                    }
                    binaries.put(arch, DebPackage.extract(deb, "bin/busybox"));
                }
            }
            Processes.Result list = Processes.run(List.of(native_.toString(), "--list-full"),
                    java.time.Duration.ofSeconds(10)).requireSuccess();
            List<String> applets = list.stdout().lines().filter(l -> !l.isBlank()).sorted().toList();
            var sha = Digest.newSha256();
            binaries.values().forEach(sha::update);
            applets.forEach(a -> sha.update(bytes(a + "\n")));
            return new BusyboxSource(binaries, applets, Digest.fromSha256(sha.digest()));
        }
    }
}
