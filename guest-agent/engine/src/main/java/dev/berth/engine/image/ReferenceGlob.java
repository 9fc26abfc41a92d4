package dev.berth.engine.image;

import java.util.regex.Pattern;

/**
 * The {@code reference} filter of {@code docker images}: a glob over the familiar name, with or without a
 * tag ({@code busybox}, {@code busy*}, {@code localhost:5000/*:1}), as Docker matches it.
 */
final class ReferenceGlob {
    private ReferenceGlob() {}

    static boolean matches(String pattern, Reference name) {
        if (name.digest() != null) {
            return false;
        }
        boolean hasTag = pattern.lastIndexOf(':') > pattern.lastIndexOf('/');
        String subject = hasTag ? name.familiarString() : name.familiarRepository();
        return glob(pattern).matcher(subject).matches()
                || (!hasTag && glob(pattern).matcher(name.repository()).matches());
    }

    private static Pattern glob(String g) {
        StringBuilder re = new StringBuilder();
        for (char c : g.toCharArray()) {
            switch (c) {
                case '*' -> re.append("[^/]*");
                case '?' -> re.append("[^/]");
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
