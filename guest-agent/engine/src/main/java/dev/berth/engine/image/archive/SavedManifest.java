package dev.berth.engine.image.archive;

import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.store.content.ContentStore;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageManifest;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import java.io.IOException;
import java.util.List;

/**
 * The platform manifest a save writes for an image: the stored one when the image has one (so the archive
 * carries the digest the image was pulled or loaded by), else one made from the record. A made manifest is
 * a function of the config and layer blobs alone, so saving an imported image twice gives the same digest.
 */
record SavedManifest(Digest digest, String mediaType, byte[] bytes) {

    static SavedManifest of(ImageRecord r, byte[] config, ContentStore content) throws IOException {
        if (r.manifest() != null && r.manifestMediaType() != null && content.info(r.manifest()).isPresent()) {
            byte[] stored = content.read(r.manifest(), (int) ArchiveLimits.MAX_MANIFEST);
            if (describes(stored, r)) {
                return new SavedManifest(r.manifest(), r.manifestMediaType(), stored);
            }
        }
        return made(r, config);
    }

    /** True if the stored manifest lists exactly this image's config and layer blobs. */
    private static boolean describes(byte[] stored, ImageRecord r) {
        try {
            ImageManifest m = Json.read(stored, ImageManifest.class);
            return m.config() != null && r.id().equals(m.config().digest())
                    && m.layers().stream().map(Descriptor::digest).toList()
                            .equals(r.layers().stream().map(ImageRecord.Layer::blob).toList());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Docker schema 2 unless the image has OCI-typed layers or config, which only an OCI manifest may list. */
    private static SavedManifest made(ImageRecord r, byte[] config) {
        boolean oci = MediaTypes.OCI_CONFIG.equals(r.configMediaType())
                || r.layers().stream().anyMatch(l -> l.mediaType().startsWith("application/vnd.oci."));
        String type = oci ? MediaTypes.OCI_MANIFEST : MediaTypes.DOCKER_MANIFEST;
        Descriptor configDesc = Descriptor.of(oci ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG, r.id(),
                config.length);
        List<Descriptor> layers = r.layers().stream()
                .map(l -> Descriptor.of(l.mediaType(), l.blob(), l.blobSize())).toList();
        byte[] bytes = Json.write(new ImageManifest(2, type, configDesc, layers, null));
        return new SavedManifest(Digest.sha256(bytes), type, bytes);
    }
}
