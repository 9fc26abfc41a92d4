package dev.berth.engine.image.push;

import dev.berth.engine.errors.EngineException;
import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.image.ImageService;
import dev.berth.engine.image.Reference;
import dev.berth.engine.image.progress.ProgressStream;
import dev.berth.engine.image.registry.Credentials;
import dev.berth.engine.image.registry.RegistryClient;
import dev.berth.engine.image.registry.RepositorySession;
import dev.berth.engine.store.content.IngestWriter;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageManifest;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code docker push}: uploads the layers a registry does not have yet, the config, then the manifest. An
 * image that came from a registry is pushed with its original manifest bytes, so its digest stays the same
 * everywhere; an image built locally (import, load without a manifest) gets a Docker schema 2 manifest.
 */
public final class ImagePusher {
    private final ImageService images;
    private final RegistryClient registry;

    public ImagePusher(ImageService images, RegistryClient registry) {
        this.images = images;
        this.registry = registry;
    }

    /** The tags to push: the one given, or every tag of the repository (Docker's behaviour without a tag). */
    public List<Reference> tagsToPush(Reference repository, String tag) {
        List<Reference> out = new ArrayList<>();
        if (tag != null && !tag.isEmpty()) {
            out.add(repository.withTag(tag));
        } else {
            images.store().allReferences().keySet().stream().map(Reference::parse)
                    .filter(r -> r.digest() == null && r.repository().equals(repository.repository()))
                    .forEach(out::add);
        }
        for (Reference r : out) {
            if (images.store().lookup(r).isEmpty()) {
                throw new NotFoundException("An image does not exist locally with the tag: " + r.familiarString());
            }
        }
        if (out.isEmpty()) {
            throw new NotFoundException("An image does not exist locally with the tag: "
                    + repository.familiarRepository());
        }
        return out;
    }

    public void push(List<Reference> tags, Credentials credentials, ProgressStream progress) throws IOException {
        progress.status("The push refers to repository [" + tags.get(0).familiarRepository() + "]");
        try {
            for (Reference tag : tags) {
                pushOne(tag, credentials, progress);
            }
        } catch (EngineException e) {
            progress.error(e.getMessage());
        }
    }

    private void pushOne(Reference tag, Credentials credentials, ProgressStream progress) throws IOException {
        ImageRecord r = images.resolve(tag.toString());
        RepositorySession session = registry.session(tag, credentials, true);
        List<ImageRecord.Layer> layers = r.layers();
        for (int i = layers.size() - 1; i >= 0; i--) {
            progress.layer(layers.get(i).blob().shortHex(), "Preparing");
        }
        for (int i = layers.size() - 1; i >= 0; i--) {
            pushLayer(session, layers.get(i), progress);
        }
        if (!session.blobExists(r.id())) {
            byte[] config = images.content().read(r.id(), 8 << 20);
            session.uploadBlob(r.id(), config.length, () -> new java.io.ByteArrayInputStream(config), n -> { });
        }
        ManifestBytes m = manifestOf(r);
        Digest digest = session.putManifest(tag.tag(), m.mediaType(), m.body());
        images.store().setReference(new Reference(tag.domain(), tag.path(), null, digest), r.id());
        progress.status(tag.tag() + ": digest: " + digest + " size: " + m.body().length);
        Map<String, Object> aux = new LinkedHashMap<>();
        aux.put("Tag", tag.tag());
        aux.put("Digest", digest.toString());
        aux.put("Size", m.body().length);
        progress.aux(aux);
        images.publish("push", tag.familiarString(), Map.of("name", tag.familiarString()));
    }

    private void pushLayer(RepositorySession session, ImageRecord.Layer l, ProgressStream progress)
            throws IOException {
        String id = l.blob().shortHex();
        if (session.blobExists(l.blob())) {
            progress.layer(id, "Layer already exists");
            return;
        }
        if (images.content().info(l.blob()).isEmpty()) {
            throw new NotFoundException("cannot push layer " + l.blob() + ": its blob is not in the local store");
        }
        session.uploadBlob(l.blob(), l.blobSize(), () -> images.content().open(l.blob()), n -> {
            try {
                progress.progress(id, "Pushing", n, l.blobSize());
            } catch (IOException clientGone) {
                // the upload finishes anyway; the registry keeps the blob
            }
        });
        progress.layer(id, "Pushed");
    }

    private record ManifestBytes(String mediaType, byte[] body) {}

    /** The stored manifest, or a new Docker schema 2 manifest (kept, so the next push is identical). */
    private ManifestBytes manifestOf(ImageRecord r) throws IOException {
        if (r.manifest() != null && images.content().info(r.manifest()).isPresent()) {
            return new ManifestBytes(r.manifestMediaType(), images.content().read(r.manifest(), 4 << 20));
        }
        long configSize = images.content().info(r.id()).orElseThrow().size();
        List<Descriptor> layers = r.layers().stream()
                .map(l -> Descriptor.of(l.mediaType(), l.blob(), l.blobSize())).toList();
        // A manifest may not mix families: OCI layer types need an OCI manifest and config type.
        boolean oci = r.layers().stream().anyMatch(l -> l.mediaType().startsWith("application/vnd.oci."));
        String manifestType = oci ? MediaTypes.OCI_MANIFEST : MediaTypes.DOCKER_MANIFEST;
        ImageManifest m = new ImageManifest(2, manifestType,
                Descriptor.of(oci ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG, r.id(), configSize), layers, null);
        byte[] body = Json.write(m);
        Digest d = Digest.sha256(body);
        try (IngestWriter w = images.content().writer("manifest-" + d, d, body.length)) {
            w.stream().write(body);
            w.commit();
        }
        images.store().put(new ImageRecord(r.id(), r.configMediaType(), d, manifestType, null,
                r.layers(), r.platform(), r.created(), r.size(), r.lastTagTime()));
        return new ManifestBytes(manifestType, body);
    }
}
