package dev.berth.oci.maker;

import dev.berth.oci.Descriptor;
import dev.berth.oci.Platform;
import dev.berth.oci.RuntimeConfig;
import dev.berth.oci.layout.OciLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code hello-world} image: one static program per architecture that prints {@link #GREETING}.
 * The engine writes it into its store on first start (no network needed); the test fixtures push the same
 * bytes to the registry.
 */
public final class HelloWorld {
    public static final String GREETING = """

            Hello from Berth!
            This message shows that your installation appears to be working correctly.

            To generate this message, Berth took the following steps:
             1. The client contacted the Berth engine.
             2. The engine found the "hello-world" image (built in, no network needed).
             3. The engine created a new container from that image, which runs the
                program that produced the output you are currently reading.
             4. The engine streamed that output to the client, which sent it
                to your terminal.

            To try something more ambitious, you can run a shell with:
             $ docker run -it busybox sh

            """;
    public static final List<String> ARCHITECTURES = List.of("amd64", "arm64");

    private HelloWorld() {}

    /** Writes the multi-platform image into {@code layout} and returns its index descriptor. */
    public static Descriptor build(OciLayout layout) throws IOException {
        ImageMaker maker = new ImageMaker(layout);
        List<Descriptor> manifests = new ArrayList<>();
        for (String arch : ARCHITECTURES) {
            ImageMaker.Layer layer = maker.layer(LayerSpec.named("COPY hello / # " + arch)
                    .file("hello", 0755, StaticHello.elf(arch, GREETING)), ImageMaker.Format.OCI);
            manifests.add(maker.image(Platform.of("linux", arch), ImageMaker.Format.OCI, List.of(layer),
                    RuntimeConfig.empty().withCmd(List.of("/hello"))));
        }
        return maker.index(ImageMaker.Format.OCI, manifests);
    }
}
