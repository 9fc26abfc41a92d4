package dev.berth.engine.image.archive;

import dev.berth.engine.image.Reference;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageConfig;
import java.util.List;

/**
 * One image of an uploaded archive, fully checked against the archive but not yet stored: everything a
 * hostile archive can get wrong in its metadata is found while plans are made, before the stores are touched.
 *
 * @param id       the image ID: the sha256 of the config file
 * @param manifest the platform manifest the archive carried for this image, if any (null otherwise)
 */
record ImagePlan(Digest id, StagedFile configFile, ImageConfig config, List<LayerSource> layers,
        List<Reference> tags, KnownManifest manifest) {

    ImagePlan {
        layers = List.copyOf(layers);
        tags = List.copyOf(tags);
    }

    /**
     * A layer file and the diff ID the config gives it.
     *
     * @param mediaType what the archive's manifest says the blob is, or null (docker-archive without OCI part)
     */
    record LayerSource(StagedFile file, Digest diffId, String mediaType) {}

    /**
     * A manifest (and the index it was chosen from) whose digest the loaded image keeps, so a later push or
     * save reuses it; used only if the stored layer blobs are exactly the ones it lists.
     */
    record KnownManifest(StagedFile file, Digest digest, String mediaType, String configMediaType,
            List<Descriptor> layers, StagedFile indexFile, Digest index) {

        List<Digest> layerBlobs() {
            return layers.stream().map(Descriptor::digest).toList();
        }
    }

    ImagePlan withTag(Reference tag) {
        if (tags.contains(tag)) {
            return this;
        }
        List<Reference> more = new java.util.ArrayList<>(tags);
        more.add(tag);
        return new ImagePlan(id, configFile, config, layers, more, manifest);
    }
}
