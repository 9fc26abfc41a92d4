package dev.berth.engine.container.fs;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A path in a container as {@code docker cp} sends it: made absolute and cleaned lexically (so {@code ..}
 * never climbs above "/"), but with a trailing {@code /} or {@code /.} kept, because those mean "this must be
 * a directory" and, for {@code /.}, "its contents" (moby's PreserveTrailingDotOrSeparator).
 *
 * @param raw        the path as the client sent it (Docker's error texts quote it)
 * @param clean      absolute and cleaned, without the trailing marker: {@code /www}
 * @param assertsDir the raw path ended with {@code /} or {@code /.}
 * @param currentDir the raw path ended with {@code /.}
 */
record CpPath(String raw, String clean, boolean assertsDir, boolean currentDir) {

    static CpPath parse(String raw) {
        String clean = cleanAbsolute(raw);
        boolean currentDir = raw.equals(".") || raw.endsWith("/.");
        boolean assertsDir = currentDir || raw.endsWith("/");
        return new CpPath(raw, clean, assertsDir, currentDir);
    }

    /** {@code "/" + path} with {@code .}, empty and {@code ..} components resolved lexically. */
    static String cleanAbsolute(String path) {
        Deque<String> parts = new ArrayDeque<>();
        for (String c : path.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(c);
            }
        }
        return "/" + String.join("/", parts);
    }

    /** Relative to the container root: {@code www/index.html}, or empty for "/". */
    String rel() {
        return clean.substring(1);
    }

    boolean isRoot() {
        return clean.equals("/");
    }

    String parentRel() {
        String rel = rel();
        int slash = rel.lastIndexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash);
    }

    String leaf() {
        String rel = rel();
        return rel.substring(rel.lastIndexOf('/') + 1);
    }

    /**
     * The name dockerd reports and archives the resource under: the last element of the path with its
     * marker kept, so {@code /www/.} gives {@code .} (the contents, unwrapped) and {@code /} gives {@code /}.
     */
    String baseName() {
        if (currentDir) {
            return ".";
        }
        return isRoot() ? "/" : leaf();
    }
}
