package dev.berth.engine.image.archive;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.image.Reference;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.Json;
import dev.berth.oci.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

/**
 * Plans the images of a docker-archive: {@code manifest.json} names each image's config, layer files and
 * tags. Covers both layouts Docker wrote: {@code <id>.json} + {@code <v1id>/layer.tar} (1.10–24, layers
 * uncompressed, shared ones as symlinks) and {@code blobs/sha256/<hex>} (25+, and Berth). Where a file name
 * claims a digest, the content must have it.
 */
final class DockerArchivePlanner {
    private static final TypeReference<List<ManifestItem>> ITEMS = new TypeReference<>() {};

    private final StagedArchive archive;
    private final Platform host;
    private long configBytes;

    DockerArchivePlanner(StagedArchive archive, Platform host) {
        this.archive = archive;
        this.host = host;
    }

    List<ImagePlan> plan() throws IOException {
        byte[] json = archive.file("manifest.json", "manifest").read(ArchiveLimits.MAX_METADATA, "manifest");
        List<ManifestItem> items;
        try {
            items = Json.mapper().readValue(json, ITEMS);
        } catch (JacksonException e) {
            throw new InvalidArgumentException("invalid manifest.json: " + e.getOriginalMessage());
        }
        if (items == null) {
            throw new InvalidArgumentException("invalid manifest, manifest cannot be null (but can be [])");
        }
        if (items.size() > ArchiveLimits.MAX_IMAGES) {
            throw new InvalidArgumentException("manifest.json lists " + items.size()
                    + " images, more than the limit of " + ArchiveLimits.MAX_IMAGES);
        }
        Map<Digest, ImagePlan.KnownManifest> oci = archive.has("index.json")
                ? new OciLayoutPlanner(archive, host).manifestsByConfig() : Map.of();
        Map<Digest, ImagePlan> byId = new LinkedHashMap<>();
        for (ManifestItem item : items) {
            ImagePlan p = planOne(item, oci);
            ImagePlan known = byId.getOrDefault(p.id(), p);
            for (Reference t : p.tags()) {
                known = known.withTag(t);
            }
            byId.put(p.id(), known);
        }
        return List.copyOf(byId.values());
    }

    private ImagePlan planOne(ManifestItem item, Map<Digest, ImagePlan.KnownManifest> oci) throws IOException {
        if (item == null) {
            throw new InvalidArgumentException("invalid manifest.json: null entry");
        }
        Blobs.checkLayerCount(item.layers().size(), String.valueOf(item.config()));
        StagedFile configFile = checked(item.config(), "config");
        configBytes += configFile.size();
        if (configBytes > ArchiveLimits.MAX_TOTAL_CONFIG) {
            throw new InvalidArgumentException("the image configs of this archive exceed "
                    + ArchiveLimits.MAX_TOTAL_CONFIG + " bytes together");
        }
        ImageConfig config = Blobs.config(configFile.read(ArchiveLimits.MAX_CONFIG, "config"), item.config(),
                item.layers().size());
        List<StagedFile> files = new ArrayList<>();
        for (String path : item.layers()) {
            files.add(checked(path, "layer"));
        }
        ImagePlan.KnownManifest known = oci.get(configFile.sha256());
        if (known != null && !known.layerBlobs().equals(files.stream().map(StagedFile::sha256).toList())) {
            known = null; // the OCI part describes other blobs (Docker 25.0 wrote layer-less manifests)
        }
        List<ImagePlan.LayerSource> layers = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            String mediaType = known == null ? null : known.layers().get(i).mediaType();
            layers.add(Blobs.layer(files.get(i), config.diffIds().get(i), mediaType));
        }
        return new ImagePlan(configFile.sha256(), configFile, config, layers, tags(item), known);
    }

    /** The file at {@code path}, which must have the digest its name claims, if it claims one. */
    private StagedFile checked(String path, String what) throws IOException {
        StagedFile f = archive.file(path, what);
        Optional<Digest> claimed = ArchivePaths.claimedDigest(ArchivePaths.reference(path, what));
        if (claimed.isPresent() && !f.matches(claimed.get())) {
            throw new InvalidArgumentException(what + " " + path + " does not match its digest: its content hashes to "
                    + f.sha256());
        }
        return f;
    }

    /** RepoTags must be tagged names, as docker load requires ({@code busybox:latest}, not {@code busybox}). */
    private static List<Reference> tags(ManifestItem item) {
        List<Reference> out = new ArrayList<>();
        for (String t : item.repoTags() == null ? List.<String>of() : item.repoTags()) {
            Reference r;
            try {
                r = Reference.parse(t);
            } catch (InvalidArgumentException e) {
                throw new InvalidArgumentException("invalid tag \"" + t + "\" in manifest.json: " + e.getMessage());
            }
            if (r.tag() == null || r.digest() != null) {
                throw new InvalidArgumentException("invalid tag \"" + t + "\" in manifest.json");
            }
            if (!out.contains(r)) {
                out.add(r);
            }
        }
        return out;
    }
}
