package dev.berth.engine.image;

import dev.berth.engine.errors.ConflictException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code docker rmi} and {@code docker image prune}, with Docker's rules: removing a name only untags while
 * other names remain; removing by ID an image named in several repositories needs force; an image a running
 * container uses cannot be removed, one a stopped container uses needs force.
 */
public final class ImageRemover {
    private final ImageService images;
    private final ImageUsers users;
    private final ImageGc gc;

    public ImageRemover(ImageService images, ImageUsers users, ImageGc gc) {
        this.images = images;
        this.users = users;
        this.gc = gc;
    }

    /** Returns the {@code [{"Untagged":...},{"Deleted":...}]} items Docker answers with. */
    public synchronized List<Map<String, String>> remove(String name, boolean force) throws IOException {
        ImageRecord r = images.resolve(name);
        List<Map<String, String>> out = new ArrayList<>();
        Optional<Reference> byName = asReference(name, r);
        if (byName.isPresent()) {
            untag(byName.get(), out);
            dropOrphanDigests(byName.get(), r, out);
            if (!images.store().referencesOf(r.id()).isEmpty()) {
                return out;
            }
        } else {
            List<Reference> names = images.store().referencesOf(r.id());
            long repos = names.stream().map(Reference::repository).distinct().count();
            if (repos > 1 && !force) {
                throw new ConflictException("conflict: unable to delete " + r.id().shortHex()
                        + " (must be forced) - image is referenced in multiple repositories");
            }
            checkUsers(r, force);
            for (Reference n : names) {
                untag(n, out);
            }
        }
        checkUsers(r, force);
        images.store().delete(r.id());
        out.add(item("Deleted", r.id().toString()));
        images.publish("delete", r.id().toString(), Map.of());
        gc.collect();
        return out;
    }

    private void checkUsers(ImageRecord r, boolean force) {
        Optional<String> running = users.runningContainerOf(r.id());
        if (running.isPresent()) {
            throw new ConflictException("conflict: unable to delete " + r.id().shortHex()
                    + " (cannot be forced) - image is being used by running container " + shortId(running.get()));
        }
        Optional<String> stopped = users.stoppedContainerOf(r.id());
        if (stopped.isPresent() && !force) {
            throw new ConflictException("conflict: unable to delete " + r.id().shortHex()
                    + " (must be forced) - image is being used by stopped container " + shortId(stopped.get()));
        }
    }

    /**
     * When the last tag of a repository goes, its digest names go too (moby: a pull by tag leaves
     * repo@digest behind, which would otherwise keep the image alive invisibly).
     */
    private void dropOrphanDigests(Reference removed, ImageRecord r, List<Map<String, String>> out)
            throws IOException {
        if (removed.digest() != null) {
            return;
        }
        List<Reference> remaining = images.store().referencesOf(r.id());
        boolean tagLeft = remaining.stream()
                .anyMatch(n -> n.digest() == null && n.repository().equals(removed.repository()));
        if (!tagLeft) {
            for (Reference n : remaining) {
                if (n.digest() != null && n.repository().equals(removed.repository())) {
                    untag(n, out);
                }
            }
        }
    }

    private void untag(Reference n, List<Map<String, String>> out) throws IOException {
        if (images.store().removeReference(n)) {
            out.add(item("Untagged", n.familiarString()));
            images.publish("untag", n.familiarString(), Map.of("name", n.familiarString()));
        }
    }

    /** The name as a reference if it names {@code r} that way (not as an ID). */
    private Optional<Reference> asReference(String name, ImageRecord r) {
        try {
            Reference ref = Reference.parseWithDefaultTag(name);
            return images.store().lookup(ref).filter(r.id()::equals).map(x -> ref);
        } catch (RuntimeException notAName) {
            return Optional.empty();
        }
    }

    /** {@code docker image prune [-a]}: dangling images, or with {@code all} every image no container uses. */
    public synchronized Map<String, Object> prune(boolean all, java.util.function.Predicate<ImageRecord> filter)
            throws IOException {
        List<Map<String, String>> deleted = new ArrayList<>();
        long before = usage();
        for (ImageRecord r : images.all()) {
            boolean named = !images.store().referencesOf(r.id()).isEmpty();
            if ((named && !all) || users.imagesInUse().contains(r.id()) || !filter.test(r)) {
                continue;
            }
            for (Reference n : images.store().referencesOf(r.id())) {
                untag(n, deleted);
            }
            images.store().delete(r.id());
            deleted.add(item("Deleted", r.id().toString()));
            images.publish("delete", r.id().toString(), Map.of());
        }
        gc.collect();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("ImagesDeleted", deleted.isEmpty() ? null : deleted);
        result.put("SpaceReclaimed", Math.max(0, before - usage()));
        return result;
    }

    private long usage() throws IOException {
        long total = 0;
        for (var s : images.snapshots().all()) {
            total += s.size();
        }
        for (var b : images.content().list()) {
            total += b.size();
        }
        return total;
    }

    private static Map<String, String> item(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(key, value);
        return m;
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
