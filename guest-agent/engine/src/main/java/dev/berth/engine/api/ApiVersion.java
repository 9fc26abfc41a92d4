package dev.berth.engine.api;

import dev.berth.engine.errors.InvalidArgumentException;

/**
 * A Docker API version such as 1.44. The engine speaks one response shape (1.44's) to every client and
 * gates only the few wire behaviours that changed between versions.
 */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {
    public static final ApiVersion MIN = new ApiVersion(1, 24);
    public static final ApiVersion MAX = new ApiVersion(1, 44);

    public static ApiVersion parse(String text) {
        int dot = text.indexOf('.');
        try {
            if (dot > 0) {
                return new ApiVersion(Integer.parseInt(text.substring(0, dot)), Integer.parseInt(text.substring(dot + 1)));
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new InvalidArgumentException("invalid API version: " + text);
    }

    public boolean atLeast(int maj, int min) {
        return compareTo(new ApiVersion(maj, min)) >= 0;
    }

    @Override
    public int compareTo(ApiVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
