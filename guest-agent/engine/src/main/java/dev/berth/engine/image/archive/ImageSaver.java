package dev.berth.engine.image.archive;

import dev.berth.engine.errors.SystemException;
import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.image.ImageService;
import dev.berth.engine.image.Reference;
import dev.berth.engine.store.content.ContentStore;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageIndex;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import dev.berth.oci.Platform;
import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes {@code docker save} output: one tar that is both a docker-archive ({@code manifest.json},
 * {@code repositories}) and an OCI image layout ({@code oci-layout}, {@code index.json}), sharing
 * {@code blobs/sha256/}. Members are in lexical order (as Docker 25 writes them), owned by root with mtime 0,
 * so saving the same images twice gives the same bytes. Everything is prepared and every blob checked
 * before the first byte is written: a failure never leaves the client with half an archive that looks whole.
 */
final class ImageSaver {
    static final String OCI_LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}";

    private final ImageService images;
    private final ContentStore content;

    /** One tar member: small metadata in memory, or a blob streamed from the content store. */
    private record Member(byte[] data, Digest blob, long size) {}

    ImageSaver(ImageService images) {
        this.images = images;
        this.content = images.content();
    }

    void save(List<String> names, OutputStream out) throws IOException {
        List<SaveSelection.Selected> selected = SaveSelection.resolve(images, names);
        TreeMap<String, Member> members = new TreeMap<>();
        List<ManifestItem> manifest = new ArrayList<>();
        List<Descriptor> index = new ArrayList<>();
        Map<String, Map<String, String>> repositories = new TreeMap<>();
        for (SaveSelection.Selected s : selected) {
            add(s, members, manifest, index, repositories);
        }
        members.put("index.json", json(new ImageIndex(2, MediaTypes.OCI_INDEX, index, null), false));
        members.put("manifest.json", json(manifest, true));
        members.put("oci-layout", bytes(OCI_LAYOUT));
        if (!repositories.isEmpty()) {
            members.put("repositories", json(repositories, true));
        }
        write(members, out);
        for (SaveSelection.Selected s : selected) {
            images.publish("save", s.record().id().toString(), Map.of("name", s.record().id().toString()));
        }
    }

    private void add(SaveSelection.Selected s, TreeMap<String, Member> members, List<ManifestItem> manifest,
            List<Descriptor> index, Map<String, Map<String, String>> repositories) throws IOException {
        ImageRecord r = s.record();
        blob(r.id(), r); // a missing config is a store inconsistency (500), not a missing image (404)
        byte[] config = content.read(r.id(), (int) ArchiveLimits.MAX_CONFIG);
        members.put(ArchivePaths.blobPath(r.id()), new Member(config, null, config.length));
        List<String> layerPaths = new ArrayList<>();
        for (ImageRecord.Layer l : r.layers()) {
            members.put(ArchivePaths.blobPath(l.blob()), blob(l.blob(), r));
            layerPaths.add(ArchivePaths.blobPath(l.blob()));
        }
        SavedManifest m = SavedManifest.of(r, config, content);
        members.put(ArchivePaths.blobPath(m.digest()), new Member(m.bytes(), null, m.bytes().length));
        if (r.index() != null && content.info(r.index()).isPresent()) {
            members.put(ArchivePaths.blobPath(r.index()), blob(r.index(), r)); // keeps the digest users pulled by
        }
        Platform p = r.platform() != null && r.platform().architecture() != null && r.platform().os() != null
                ? r.platform() : null;
        Descriptor d = new Descriptor(m.mediaType(), m.digest(), m.bytes().length, null, null, p);
        List<String> repoTags = names(s, d, index, repositories);
        manifest.add(new ManifestItem(ArchivePaths.blobPath(r.id()), repoTags.isEmpty() ? null : repoTags,
                layerPaths, null, null));
    }

    /**
     * One index.json entry per tag (containerd's full name and the OCI ref name, as Docker 25 writes them),
     * the {@code repositories} entries, and the RepoTags for manifest.json.
     */
    private static List<String> names(SaveSelection.Selected s, Descriptor d, List<Descriptor> index,
            Map<String, Map<String, String>> repositories) {
        ImageRecord r = s.record();
        List<String> repoTags = new ArrayList<>();
        for (Reference tag : s.tags()) {
            Map<String, String> ann = new TreeMap<>();
            ann.put(OciLayoutPlanner.IMAGE_NAME, tag.toString());
            ann.put(dev.berth.oci.layout.OciLayout.REF_NAME, tag.tag());
            index.add(d.withAnnotations(ann));
            repoTags.add(tag.familiarString());
            if (!r.layers().isEmpty()) {
                repositories.computeIfAbsent(tag.familiarRepository(), k -> new TreeMap<>())
                        .put(tag.tag(), r.layers().getLast().blob().hex());
            }
        }
        if (s.tags().isEmpty()) {
            index.add(d); // Docker omits untagged images from index.json; an OCI reader would then miss them
        }
        return repoTags;
    }

    private Member blob(Digest d, ImageRecord r) {
        long size = content.info(d).orElseThrow(() -> new SystemException("blob " + d + " of image " + r.id()
                + " is missing from the content store")).size();
        return new Member(null, d, size);
    }

    private void write(TreeMap<String, Member> members, OutputStream out) throws IOException {
        TarWriter tar = new TarWriter(out);
        for (String dir : directories(members.keySet())) {
            tar.write(TarEntry.directory(dir, 0755, 0), (InputStream) null);
        }
        for (Map.Entry<String, Member> e : members.entrySet()) {
            Member m = e.getValue();
            TarEntry entry = TarEntry.file(e.getKey(), 0644, m.size(), 0);
            if (m.data() != null) {
                tar.write(entry, m.data());
            } else {
                try (InputStream in = content.open(m.blob())) {
                    tar.write(entry, in);
                }
            }
        }
        tar.finish();
        out.flush();
    }

    /** {@code blobs/} and {@code blobs/<algorithm>/}, which sort before their members. */
    private static List<String> directories(Iterable<String> names) {
        TreeMap<String, Boolean> dirs = new TreeMap<>();
        for (String n : names) {
            for (int i = n.indexOf('/'); i > 0; i = n.indexOf('/', i + 1)) {
                dirs.put(n.substring(0, i + 1), true);
            }
        }
        return List.copyOf(dirs.keySet());
    }

    /** JSON as Docker writes these files: {@code manifest.json} and {@code repositories} end with a newline. */
    private static Member json(Object value, boolean newline) {
        byte[] data = Json.write(value);
        if (newline) {
            byte[] withNewline = new byte[data.length + 1];
            System.arraycopy(data, 0, withNewline, 0, data.length);
            withNewline[data.length] = '\n';
            data = withNewline;
        }
        return new Member(data, null, data.length);
    }

    private static Member bytes(String s) {
        byte[] data = s.getBytes(StandardCharsets.UTF_8);
        return new Member(data, null, data.length);
    }
}
