package dev.berth.engine.image.archive;

import dev.berth.engine.archive.ApplyOptions;
import dev.berth.engine.events.Event;
import dev.berth.engine.events.EventBus;
import dev.berth.engine.image.ImageService;
import dev.berth.engine.image.ImageStore;
import dev.berth.engine.store.content.LocalContentStore;
import dev.berth.engine.store.snapshot.SnapshotStore;
import dev.berth.testkit.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A complete set of engine stores in a temp directory under /var/tmp (ext4: trusted.* xattrs, which layer
 * unpacking writes, do not work on every tmpfs), with an {@link ImageArchives} over them.
 */
final class ArchiveTestStores implements AutoCloseable {
    static final ApplyOptions OPTIONS = ApplyOptions.layer(1L << 30, 0);

    final Path dir;
    final EventBus events = new EventBus();
    final ImageService images;
    final ImageArchives archives;

    ArchiveTestStores() throws IOException {
        this(Files.createTempDirectory(Path.of("/var/tmp"), "berth-archives"));
    }

    private ArchiveTestStores(Path dir) throws IOException {
        this.dir = dir;
        this.images = new ImageService(new LocalContentStore(dir.resolve("content")),
                new SnapshotStore(dir.resolve("snapshots")), new ImageStore(dir.resolve("meta")), events);
        this.archives = new ImageArchives(images, OPTIONS, staging());
    }

    Path staging() {
        return dir.resolve("staging");
    }

    /** Actions of the image events published so far, in order. */
    List<String> imageActions() {
        return events.replay(0, Long.MAX_VALUE, e -> "image".equals(e.type())).stream().map(Event::action).toList();
    }

    List<Event> imageEvents(String action) {
        return events.replay(0, Long.MAX_VALUE, e -> "image".equals(e.type()) && action.equals(e.action()));
    }

    /** True if staging holds nothing (it may not exist yet). */
    boolean stagingEmpty() throws IOException {
        if (!Files.exists(staging())) {
            return true;
        }
        try (Stream<Path> s = Files.list(staging())) {
            return s.findAny().isEmpty();
        }
    }

    /** True if no image, name, blob or layer exists. */
    boolean storesEmpty() throws IOException {
        return images.all().isEmpty() && images.store().allReferences().isEmpty()
                && images.content().list().isEmpty() && images.snapshots().all().isEmpty();
    }

    @Override
    public void close() {
        TempDirs.deleteRecursively(dir);
    }
}
