package dev.berth.engine.image.pull;

import dev.berth.engine.errors.NotFoundException;
import dev.berth.oci.Descriptor;
import dev.berth.oci.ImageIndex;
import dev.berth.oci.MediaTypes;
import dev.berth.oci.Platform;
import java.util.Map;

/** Chooses the manifest for a platform from an index, skipping attestations and non-image entries. */
final class PlatformSelector {
    private PlatformSelector() {}

    static Descriptor select(ImageIndex index, Platform wanted) {
        for (Descriptor d : index.manifests()) {
            if (isImage(d) && wanted.matches(d.platform())) {
                return d;
            }
        }
        throw new NotFoundException("no matching manifest for " + describe(wanted)
                + " in the manifest list entries");
    }

    private static boolean isImage(Descriptor d) {
        Map<String, String> a = d.annotations();
        boolean attestation = a != null && "attestation-manifest".equals(a.get("vnd.docker.reference.type"));
        return !attestation && MediaTypes.isManifest(d.mediaType()) && d.platform() != null;
    }

    /** Docker prints arm64 as linux/arm64/v8 in this message. */
    private static String describe(Platform p) {
        String variant = p.variant();
        if ((variant == null || variant.isEmpty()) && p.architecture().equals("arm64")) {
            variant = "v8";
        }
        return p.os() + "/" + p.architecture() + (variant == null || variant.isEmpty() ? "" : "/" + variant);
    }
}
