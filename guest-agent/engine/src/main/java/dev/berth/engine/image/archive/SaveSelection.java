package dev.berth.engine.image.archive;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.image.ImageService;
import dev.berth.engine.image.Reference;
import dev.berth.oci.Digest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which images, and under which tags, {@code docker save} writes for a list of names, with moby's rules:
 * {@code repo:tag} saves that tag; a bare repository saves every tag of it; a digest reference or an image
 * ID saves the image untagged. Every name is resolved before anything is written, so an unknown one fails
 * the request cleanly.
 */
final class SaveSelection {
    /** One image to save and the tags it is saved under (first-mention order). */
    record Selected(ImageRecord record, List<Reference> tags) {}

    /** One name's match: an image and the tag it is saved under, or null for none. */
    private record Hit(Digest id, Reference tag) {}

    private SaveSelection() {}

    static List<Selected> resolve(ImageService images, List<String> names) {
        if (names == null || names.isEmpty()) {
            throw new InvalidArgumentException("no images to save");
        }
        Map<Digest, List<Reference>> tags = new LinkedHashMap<>();
        Map<Digest, ImageRecord> records = new LinkedHashMap<>();
        for (String name : names) {
            for (Hit hit : lookup(images, name)) {
                ImageRecord r = images.store().get(hit.id())
                        .orElseThrow(() -> new NotFoundException("No such image: " + display(name)));
                records.putIfAbsent(r.id(), r);
                List<Reference> list = tags.computeIfAbsent(r.id(), k -> new ArrayList<>());
                if (hit.tag() != null && !list.contains(hit.tag())) {
                    list.add(hit.tag());
                }
            }
        }
        List<Selected> out = new ArrayList<>();
        records.forEach((id, r) -> out.add(new Selected(r, List.copyOf(tags.get(id)))));
        return out;
    }

    /** The matches of one name; never empty: a name that finds nothing is an error. */
    private static List<Hit> lookup(ImageService images, String name) {
        List<Hit> out = new ArrayList<>();
        Reference ref = parseOrNull(name);
        if (ref != null && ref.digest() != null) {
            images.store().lookup(new Reference(ref.domain(), ref.path(), null, ref.digest()))
                    .or(() -> images.store().lookup(ref)).ifPresent(id -> out.add(new Hit(id, null)));
        } else if (ref != null && ref.tag() != null) {
            images.store().lookup(ref).ifPresent(id -> out.add(new Hit(id, ref)));
        } else if (ref != null) {
            allTagsOf(images, ref).forEach((tag, id) -> out.add(new Hit(id, tag)));
        }
        if (out.isEmpty()) {
            Optional<ImageRecord> byId = images.store().findById(name);
            byId.ifPresent(r -> out.add(new Hit(r.id(), null)));
        }
        if (out.isEmpty()) {
            throw new NotFoundException("No such image: " + display(name));
        }
        return out;
    }

    /** Every {@code repo:tag} of {@code repo}, sorted by tag. */
    private static Map<Reference, Digest> allTagsOf(ImageService images, Reference repo) {
        Map<Reference, Digest> out = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        images.store().allReferences().forEach((name, id) -> {
            Reference r = Reference.parse(name);
            if (r.tag() != null && r.digest() == null && r.repository().equals(repo.repository())) {
                out.put(r, id);
            }
        });
        return out;
    }

    private static Reference parseOrNull(String name) {
        try {
            return name == null || name.isEmpty() ? null : Reference.parse(name);
        } catch (RuntimeException notAReference) {
            return null; // sha256:<hex> and the like are IDs, not references
        }
    }

    /** How Docker names a missing image: {@code busybox:latest}, or the name as given. */
    private static String display(String name) {
        try {
            return Reference.parseWithDefaultTag(name).familiarString();
        } catch (RuntimeException e) {
            return name;
        }
    }
}
