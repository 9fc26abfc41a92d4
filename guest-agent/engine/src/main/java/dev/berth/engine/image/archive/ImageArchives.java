package dev.berth.engine.image.archive;

import dev.berth.engine.archive.ApplyOptions;
import dev.berth.engine.archive.ArchiveException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.image.ImageService;
import dev.berth.engine.image.Reference;
import dev.berth.oci.Digest;
import dev.berth.oci.Platform;
import dev.berth.oci.tar.TarFormatException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code docker save}, {@code docker load} and {@code docker import} over the engine's image store. The
 * HTTP layer streams request and response bodies through these methods; progress and error framing are its
 * business. Uploaded archives are hostile input: they are staged under {@code staging} (names never become
 * paths), every claimed digest and diff ID is verified, layers unpack through the snapshot store's safe
 * extractor, and an archive that fails registers no image.
 */
public final class ImageArchives {
    private final ImageService images;
    private final ApplyOptions layerOptions;
    private final Path staging;

    /** staging: a directory on the same filesystem as the engine's stores, for unpacking uploaded archives. */
    public ImageArchives(ImageService images, ApplyOptions layerOptions, Path staging) {
        this.images = images;
        this.layerOptions = layerOptions;
        this.staging = staging;
    }

    /**
     * {@code docker save} / {@code GET /images/get?names=...}: one tar that is both a docker-archive
     * ({@code manifest.json}, {@code repositories}) and an OCI image layout ({@code oci-layout},
     * {@code index.json}), with the stored (compressed) layer blobs, configs and manifests under
     * {@code blobs/sha256/}. Unknown names fail with NotFoundException before anything is written.
     */
    public void save(List<String> names, OutputStream out) throws IOException {
        new ImageSaver(images).save(names, out);
    }

    /**
     * {@code docker load} / {@code POST /images/load}: a docker-archive (any Docker version's layout, with
     * or without OCI files, layers compressed or not) or a plain OCI layout, itself plain, gzip or zstd.
     * Returns the lines docker prints ({@code Loaded image: busybox:latest}, or {@code Loaded image ID:
     * sha256:...} for an untagged image).
     */
    public List<String> load(InputStream tar) throws IOException {
        Files.createDirectories(staging);
        try (StagedArchive archive = StagedArchive.extract(tar, staging, layerOptions.freeSpaceReserve(),
                layerOptions.maxBytes())) {
            List<ImagePlan> plans;
            if (archive.has("manifest.json")) {
                plans = new DockerArchivePlanner(archive, Platform.host()).plan();
            } else if (archive.has("index.json")) {
                plans = new OciLayoutPlanner(archive, Platform.host()).plan();
            } else {
                throw new InvalidArgumentException("invalid image archive: it has neither manifest.json (docker save)"
                        + " nor index.json (OCI image layout)");
            }
            return new ImageLoader(images, layerOptions, archive).load(plans);
        } catch (ArchiveException | TarFormatException | EOFException e) {
            throw new InvalidArgumentException("invalid image archive: " + e.getMessage(), e);
        }
    }

    /**
     * {@code docker import} / {@code POST /images/create?fromSrc=-}: a one-layer image for this machine's
     * platform from a root filesystem tar (plain, gzip or zstd). {@code changes} are the Dockerfile
     * instructions of {@code --change}; {@code message} becomes the history comment (default
     * {@code Imported from -}); {@code tag} may be null. Returns the image ID.
     */
    public Digest importRootfs(InputStream tar, List<String> changes, String message, Reference tag)
            throws IOException {
        try {
            return new RootfsImporter(images, layerOptions, staging).importRootfs(tar, changes, message, tag);
        } catch (TarFormatException | EOFException e) {
            throw new InvalidArgumentException("invalid root filesystem archive: " + e.getMessage(), e);
        }
    }
}
