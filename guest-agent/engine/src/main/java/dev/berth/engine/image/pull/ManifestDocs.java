package dev.berth.engine.image.pull;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.image.ImageLimits;
import dev.berth.oci.Descriptor;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.ImageIndex;
import dev.berth.oci.ImageManifest;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import java.util.List;

/**
 * Parses and checks the documents of an image before anything is downloaded on their word: media types we
 * can run, sane sizes, a layer count overlayfs can mount, a config that matches its manifest.
 */
final class ManifestDocs {
    static final long MAX_LAYER_BLOB = 1L << 40;

    private ManifestDocs() {}

    static ImageIndex index(byte[] body) {
        ImageIndex index = Json.read(body, ImageIndex.class);
        if (index.manifests().isEmpty()) {
            throw new InvalidArgumentException("image index lists no manifests");
        }
        for (Descriptor d : index.manifests()) {
            checkDescriptor(d, ImageLimits.MAX_MANIFEST, "manifest");
        }
        return index;
    }

    static ImageManifest manifest(byte[] body) {
        ImageManifest m = Json.read(body, ImageManifest.class);
        if (m.config() == null) {
            throw new InvalidArgumentException("image manifest has no config");
        }
        String configType = m.config().mediaType();
        if (configType != null && !MediaTypes.CONFIGS.contains(configType)) {
            throw new InvalidArgumentException("unsupported image config media type " + configType
                    + " (this artifact is not a container image)");
        }
        checkDescriptor(m.config(), ImageLimits.MAX_CONFIG, "config");
        if (m.layers().size() > ImageLimits.MAX_LAYERS) {
            throw new InvalidArgumentException("image has " + m.layers().size() + " layers; max depth exceeded ("
                    + ImageLimits.MAX_LAYERS + ")");
        }
        for (Descriptor layer : m.layers()) {
            checkDescriptor(layer, MAX_LAYER_BLOB, "layer");
            if (!MediaTypes.isLayer(layer.mediaType())) {
                throw new InvalidArgumentException("unsupported layer media type " + layer.mediaType() + " for "
                        + layer.digest());
            }
            if (layer.urls() != null && !layer.urls().isEmpty()) {
                throw new InvalidArgumentException("layer " + layer.digest()
                        + " is a foreign layer with external URLs, which Berth does not fetch");
            }
        }
        return m;
    }

    static ImageConfig config(byte[] body, int layerCount) {
        ImageConfig c = Json.read(body, ImageConfig.class);
        List<?> diffIds = c.diffIds();
        if (diffIds.size() != layerCount) {
            throw new InvalidArgumentException("invalid image config: manifest has " + layerCount
                    + " layers but the config lists " + diffIds.size() + " diff IDs");
        }
        if (c.os() != null && !c.os().isEmpty() && !c.os().equals("linux")) {
            throw new InvalidArgumentException("image operating system \"" + c.os()
                    + "\" cannot be used on this platform");
        }
        return c;
    }

    private static void checkDescriptor(Descriptor d, long maxSize, String what) {
        if (d.digest() == null) {
            throw new InvalidArgumentException(what + " descriptor has no digest");
        }
        if (d.size() < 0 || d.size() > maxSize) {
            throw new InvalidArgumentException(what + " " + d.digest() + " has an invalid size " + d.size());
        }
    }
}
