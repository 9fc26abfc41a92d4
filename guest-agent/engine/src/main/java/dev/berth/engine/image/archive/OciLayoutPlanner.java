package dev.berth.engine.image.archive;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.image.Reference;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.ImageIndex;
import dev.berth.oci.ImageManifest;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import dev.berth.oci.Platform;
import dev.berth.oci.layout.OciLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plans the images of an OCI image layout ({@code index.json} + {@code blobs/}), the format of
 * {@code docker save} since Docker 25, containerd, skopeo and buildx. Every blob is checked against its
 * descriptor (size and digest) before it is trusted; an index entry is resolved to the manifest for this
 * machine's platform among those the archive actually carries.
 */
final class OciLayoutPlanner {
    static final String IMAGE_NAME = "io.containerd.image.name";

    private final StagedArchive archive;
    private final Platform host;
    private long configBytes;

    /** A top-level entry resolved to one platform manifest. */
    private record Resolved(Descriptor manifestDesc, ImageManifest manifest, StagedFile manifestFile,
            StagedFile indexFile, Digest index) {}

    OciLayoutPlanner(StagedArchive archive, Platform host) {
        this.archive = archive;
        this.host = host;
    }

    List<ImagePlan> plan() throws IOException {
        Map<Digest, ImagePlan> byId = new LinkedHashMap<>();
        for (Descriptor top : index().manifests()) {
            ImagePlan p = planOne(top);
            ImagePlan known = byId.get(p.id());
            if (known == null) {
                byId.put(p.id(), p);
            } else {
                for (Reference t : p.tags()) {
                    known = known.withTag(t);
                }
                byId.put(p.id(), known);
            }
        }
        return List.copyOf(byId.values());
    }

    /**
     * The manifests of a docker-archive's OCI part by config digest, so a loaded image keeps its manifest
     * digest. Best effort: an OCI part that does not check out is ignored, as Docker ignores it.
     */
    Map<Digest, ImagePlan.KnownManifest> manifestsByConfig() {
        Map<Digest, ImagePlan.KnownManifest> out = new HashMap<>();
        try {
            for (Descriptor top : index().manifests()) {
                try {
                    Resolved r = resolve(top);
                    out.putIfAbsent(r.manifest().config().digest(), known(r));
                } catch (IOException | RuntimeException skipped) {
                    // this entry is unusable; manifest.json still describes the image
                }
            }
        } catch (IOException | RuntimeException skipped) {
            // no usable index.json
        }
        return out;
    }

    private ImageIndex index() throws IOException {
        StagedFile f = archive.file("index.json", "index");
        ImageIndex index = parse(f.read(ArchiveLimits.MAX_METADATA, "index"), ImageIndex.class, "index.json");
        if (index.manifests().size() > ArchiveLimits.MAX_IMAGES) {
            throw new InvalidArgumentException("index.json lists " + index.manifests().size()
                    + " images, more than the limit of " + ArchiveLimits.MAX_IMAGES);
        }
        return index;
    }

    private ImagePlan planOne(Descriptor top) throws IOException {
        Resolved r = resolve(top);
        StagedFile configFile = blob(r.manifest().config(), ArchiveLimits.MAX_CONFIG, "config");
        configBytes += configFile.size();
        if (configBytes > ArchiveLimits.MAX_TOTAL_CONFIG) {
            throw new InvalidArgumentException("the image configs of this archive exceed "
                    + ArchiveLimits.MAX_TOTAL_CONFIG + " bytes together");
        }
        ImageConfig config = Blobs.config(configFile.read(ArchiveLimits.MAX_CONFIG, "config"),
                configFile.name(), r.manifest().layers().size());
        List<ImagePlan.LayerSource> layers = new ArrayList<>();
        for (int i = 0; i < r.manifest().layers().size(); i++) {
            Descriptor l = r.manifest().layers().get(i);
            layers.add(Blobs.layer(blob(l, Long.MAX_VALUE, "layer"), config.diffIds().get(i), l.mediaType()));
        }
        List<Reference> tags = nameOf(top).map(List::of).orElse(List.of());
        return new ImagePlan(configFile.sha256(), configFile, config, layers, tags, known(r));
    }

    private ImagePlan.KnownManifest known(Resolved r) {
        String configType = r.manifest().config().mediaType();
        return new ImagePlan.KnownManifest(r.manifestFile(), r.manifestDesc().digest(),
                r.manifestDesc().mediaType(), configType != null ? configType : MediaTypes.OCI_CONFIG,
                r.manifest().layers(), r.indexFile(), r.index());
    }

    private Resolved resolve(Descriptor top) throws IOException {
        if (MediaTypes.isIndex(top.mediaType())) {
            StagedFile indexFile = blob(top, ArchiveLimits.MAX_MANIFEST, "index");
            ImageIndex index = parse(indexFile.read(ArchiveLimits.MAX_MANIFEST, "index"), ImageIndex.class,
                    "index " + top.digest());
            Descriptor chosen = choose(index, top.digest());
            return new Resolved(chosen, manifest(chosen), archive.find(ArchivePaths.blobPath(chosen.digest()))
                    .orElseThrow(), indexFile, top.digest());
        }
        if (!MediaTypes.isManifest(top.mediaType())) {
            throw new InvalidArgumentException("index.json entry " + top.digest() + " has unsupported media type "
                    + top.mediaType());
        }
        return new Resolved(top, manifest(top), archive.find(ArchivePaths.blobPath(top.digest())).orElseThrow(),
                null, null);
    }

    /** The manifest for this machine among those present; a single present manifest is taken as is. */
    private Descriptor choose(ImageIndex index, Digest indexDigest) throws IOException {
        List<Descriptor> present = new ArrayList<>();
        for (Descriptor d : index.manifests()) {
            Map<String, String> a = d.annotations();
            boolean attestation = a != null && "attestation-manifest".equals(a.get("vnd.docker.reference.type"));
            if (d.digest() != null && MediaTypes.isManifest(d.mediaType()) && !attestation
                    && archive.find(ArchivePaths.blobPath(d.digest())).isPresent()) {
                present.add(d);
            }
        }
        for (Descriptor d : present) {
            Platform p = d.platform();
            if (p != null && p.os() != null && p.architecture() != null && host.matches(p)) {
                return d;
            }
        }
        if (present.size() == 1) {
            return present.getFirst();
        }
        throw new InvalidArgumentException("image index " + indexDigest + " has no manifest for " + host
                + " in the archive");
    }

    private ImageManifest manifest(Descriptor d) throws IOException {
        StagedFile f = blob(d, ArchiveLimits.MAX_MANIFEST, "manifest");
        ImageManifest m = parse(f.read(ArchiveLimits.MAX_MANIFEST, "manifest"), ImageManifest.class,
                "manifest " + d.digest());
        if (m.mediaType() != null && !m.mediaType().equals(d.mediaType())) {
            throw new InvalidArgumentException("manifest " + d.digest() + " has media type " + m.mediaType()
                    + " but its descriptor says " + d.mediaType());
        }
        if (m.config() == null || m.config().digest() == null) {
            throw new InvalidArgumentException("manifest " + d.digest() + " has no config");
        }
        String configType = m.config().mediaType();
        if (configType != null && !MediaTypes.CONFIGS.contains(configType)) {
            throw new InvalidArgumentException("unsupported image config media type " + configType + " in manifest "
                    + d.digest() + " (this artifact is not a container image)");
        }
        Blobs.checkLayerCount(m.layers().size(), d.digest().toString());
        for (Descriptor l : m.layers()) {
            if (l.digest() == null || !MediaTypes.isLayer(l.mediaType())) {
                throw new InvalidArgumentException("unsupported layer media type " + l.mediaType() + " in manifest "
                        + d.digest());
            }
            if (l.urls() != null && !l.urls().isEmpty()) {
                throw new InvalidArgumentException("layer " + l.digest() + " is a foreign layer with external URLs, "
                        + "which Berth does not fetch");
            }
        }
        return m;
    }

    /** The blob a descriptor names, checked for presence, size and digest. */
    private StagedFile blob(Descriptor d, long max, String what) throws IOException {
        if (d.digest() == null) {
            throw new InvalidArgumentException(what + " descriptor without a digest");
        }
        StagedFile f = archive.find(ArchivePaths.blobPath(d.digest())).orElseThrow(() ->
                new InvalidArgumentException(what + " blob " + d.digest() + " is not in the archive"));
        if (f.size() != d.size()) {
            throw new InvalidArgumentException(what + " blob " + d.digest() + " has " + f.size()
                    + " bytes, its descriptor says " + d.size());
        }
        if (f.size() > max) {
            throw new InvalidArgumentException(what + " blob " + d.digest() + " is larger than " + max + " bytes");
        }
        if (!f.matches(d.digest())) {
            throw new InvalidArgumentException(what + " blob " + d.digest() + " does not match its digest");
        }
        return f;
    }

    /**
     * The name an index entry gives its image: containerd's full-name annotation, else a ref.name that is a
     * whole reference (Berth's fixtures write {@code busybox:latest}). A bare tag such as {@code latest}
     * names no repository, so that image loads untagged.
     */
    static Optional<Reference> nameOf(Descriptor d) {
        Map<String, String> a = d.annotations();
        if (a == null) {
            return Optional.empty();
        }
        String name = a.get(IMAGE_NAME);
        if (name == null) {
            String ref = a.get(OciLayout.REF_NAME);
            name = ref != null && (ref.contains(":") || ref.contains("/")) ? ref : null;
        }
        if (name == null) {
            return Optional.empty();
        }
        Reference r;
        try {
            r = Reference.parse(name);
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException("invalid image name " + name + " in index.json: " + e.getMessage());
        }
        if (r.digest() != null) {
            return Optional.empty(); // a digest name is not a tag; docker load keeps no repo digests
        }
        return Optional.of(r.tag() == null ? r.withTag(Reference.DEFAULT_TAG) : r);
    }

    static <T> T parse(byte[] json, Class<T> type, String what) {
        try {
            T value = Json.read(json, type);
            if (value == null) {
                throw new InvalidArgumentException("invalid " + what + ": null");
            }
            return value;
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("invalid " + what + ": " + e.getMessage());
        }
    }
}
