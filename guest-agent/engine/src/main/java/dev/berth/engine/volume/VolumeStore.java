package dev.berth.engine.volume;

import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.os.Trees;
import dev.berth.engine.store.AtomicFiles;
import dev.berth.oci.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Volume records and their data, as Docker's local driver lays them out: {@code volumes/<name>/_data} holds
 * the files, {@code volumes/<name>/volume.json} the record (written atomically). The record is what makes a
 * directory a volume: it is written after {@code _data} exists and deleted before the data is, so a crash
 * leaves either a complete volume or a directory without a record, which the next start deletes.
 */
public final class VolumeStore {
    private static final Logger log = LoggerFactory.getLogger(VolumeStore.class);
    static final String RECORD = "volume.json";
    static final String DATA = "_data";

    private final Path dir;
    private final Map<String, VolumeRecord> byName = new ConcurrentHashMap<>();

    public VolumeStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        try (var entries = Files.list(dir)) {
            for (Path d : entries.toList()) {
                load(d);
            }
        }
    }

    private void load(Path d) throws IOException {
        Path record = d.resolve(RECORD);
        if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS) || !VolumeNames.valid(d.getFileName().toString())) {
            return; // not ours: never delete what we did not make
        }
        if (!Files.isRegularFile(record, LinkOption.NOFOLLOW_LINKS)) {
            log.warn("removing volume directory without a record (interrupted create or remove): {}",
                    d.getFileName());
            Trees.delete(d);
            return;
        }
        AtomicFiles.removeTemps(d);
        VolumeRecord r = Json.read(Files.readAllBytes(record), VolumeRecord.class);
        byName.put(r.name(), r);
    }

    public Collection<VolumeRecord> all() {
        return List.copyOf(byName.values());
    }

    public Optional<VolumeRecord> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(byName.get(name));
    }

    /** Docker's 404 text for a volume that does not exist. */
    public VolumeRecord get(String name) {
        return find(name).orElseThrow(() -> new NotFoundException("get " + name + ": no such volume"));
    }

    /** The host directory holding the volume's files. */
    public Path data(String name) {
        return dir.resolve(name).resolve(DATA);
    }

    /** Creates the data directory, then the record; returns the existing record if the name is taken. */
    public synchronized VolumeRecord add(VolumeRecord r) throws IOException {
        VolumeNames.check(r.name());
        VolumeRecord existing = byName.get(r.name());
        if (existing != null) {
            return existing;
        }
        Path vol = dir.resolve(r.name());
        Files.createDirectories(vol);
        Files.setPosixFilePermissions(vol, PosixFilePermissions.fromString("rwx-----x"));
        Path data = vol.resolve(DATA);
        if (!Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(data);
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        AtomicFiles.write(vol.resolve(RECORD), Json.write(r));
        byName.put(r.name(), r);
        return r;
    }

    /** Drops the record first (the volume is gone from then on), then its data. */
    public synchronized void remove(String name) throws IOException {
        Path vol = dir.resolve(name);
        Files.deleteIfExists(vol.resolve(RECORD));
        AtomicFiles.fsyncDirectory(vol);
        byName.remove(name);
        Trees.delete(vol);
    }
}
