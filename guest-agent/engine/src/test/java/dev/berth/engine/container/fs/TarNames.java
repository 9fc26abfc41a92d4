package dev.berth.engine.container.fs;

import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Member names (and whole members) of a tar held in memory, for assertions. */
final class TarNames {
    private TarNames() {}

    static List<String> of(byte[] tar) throws IOException {
        return entries(tar).stream().map(TarEntry::name).toList();
    }

    static List<TarEntry> entries(byte[] tar) throws IOException {
        List<TarEntry> out = new ArrayList<>();
        TarReader r = new TarReader(new ByteArrayInputStream(tar));
        for (TarEntry e = r.next(); e != null; e = r.next()) {
            out.add(e);
        }
        return out;
    }

    /** The content of member {@code name}, or null if the tar has no such file. */
    static String content(byte[] tar, String name) throws IOException {
        TarReader r = new TarReader(new ByteArrayInputStream(tar));
        for (TarEntry e = r.next(); e != null; e = r.next()) {
            if (e.name().equals(name)) {
                return new String(r.content().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
