package dev.berth.testkit;

import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageIndex;
import dev.berth.oci.ImageManifest;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import dev.berth.oci.layout.OciLayout;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Pushes images from an OCI layout to a registry over the distribution API, as a test fixture loader: blobs
 * first (skipping those already there), then manifests bottom-up, then the tag. Plain HTTP, no auth unless a
 * basic-auth header is given: it only ever talks to the fixture registry on loopback.
 */
public final class RegistryPusher {
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final OciLayout layout;
    private final URI registry;
    private final String authorization;

    public RegistryPusher(OciLayout layout, URI registry) {
        this(layout, registry, null);
    }

    public RegistryPusher(OciLayout layout, URI registry, String authorization) {
        this.layout = layout;
        this.registry = registry;
        this.authorization = authorization;
    }

    /** Pushes the image {@code d} (manifest or index) as {@code repository:tag}. */
    public void push(Descriptor d, String repository, String tag) throws IOException, InterruptedException {
        pushGraph(d, repository);
        putManifest(d, repository, tag);
    }

    private void pushGraph(Descriptor d, String repository) throws IOException, InterruptedException {
        byte[] body = layout.readBlob(d.digest());
        if (MediaTypes.isIndex(d.mediaType())) {
            for (Descriptor child : Json.read(body, ImageIndex.class).manifests()) {
                pushGraph(child, repository);
                putManifest(child, repository, child.digest().toString());
            }
        } else {
            ImageManifest m = Json.read(body, ImageManifest.class);
            pushBlob(m.config().digest(), repository);
            for (Descriptor layer : m.layers()) {
                pushBlob(layer.digest(), repository);
            }
        }
    }

    private void pushBlob(Digest digest, String repository) throws IOException, InterruptedException {
        URI blob = registry.resolve("/v2/" + repository + "/blobs/" + digest);
        if (send(request(blob).method("HEAD", HttpRequest.BodyPublishers.noBody())).statusCode() == 200) {
            return;
        }
        HttpResponse<String> start = send(request(registry.resolve("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(start, 202, "start upload of " + digest);
        String location = start.headers().firstValue("Location").orElseThrow();
        URI upload = registry.resolve(location);
        String sep = upload.getQuery() == null ? "?" : "&";
        URI put = URI.create(upload + sep + "digest=" + digest);
        HttpResponse<String> done = send(request(put).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofFile(layout.blobPath(digest))));
        expect(done, 201, "upload of " + digest);
    }

    private void putManifest(Descriptor d, String repository, String reference)
            throws IOException, InterruptedException {
        HttpResponse<String> r = send(request(registry.resolve("/v2/" + repository + "/manifests/" + reference))
                .header("Content-Type", d.mediaType())
                .PUT(HttpRequest.BodyPublishers.ofByteArray(layout.readBlob(d.digest()))));
        expect(r, 201, "manifest " + repository + ":" + reference);
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> r, int status, String what) throws IOException {
        if (r.statusCode() != status) {
            throw new IOException("registry refused " + what + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }
}
