package dev.berth.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * An OCI platform ({@code os/architecture[/variant]}), with Go's architecture names. Parsing and matching
 * follow containerd's platforms package: {@code arm64} means {@code arm64/v8}, {@code x86_64} is {@code amd64}.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Platform(
        @JsonProperty("architecture") String architecture,
        @JsonProperty("os") String os,
        @JsonProperty("os.version") String osVersion,
        @JsonProperty("variant") String variant) {

    public static Platform of(String os, String architecture) {
        return new Platform(architecture, os, null, null);
    }

    /** The platform this JVM runs on, as an image would name it. */
    public static Platform host() {
        return of("linux", normalizeArch(System.getProperty("os.arch")));
    }

    /** Parses {@code linux/arm64}, {@code linux/arm/v7}, {@code arm64} (os defaults to linux). */
    public static Platform parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("/");
        if (text.isBlank() || parts.length > 3) {
            throw new IllegalArgumentException("invalid platform: \"" + text + "\"");
        }
        if (parts.length == 1) {
            return of("linux", normalizeArch(parts[0]));
        }
        String variant = parts.length == 3 ? parts[2] : null;
        return new Platform(normalizeArch(parts[1]), parts[0], null, variant);
    }

    public static String normalizeArch(String arch) {
        return switch (arch) {
            case "x86_64", "x86-64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "i386", "i686", "x86", "386" -> "386";
            default -> arch;
        };
    }

    /** True if an image built for {@code candidate} is what a user asking for this platform wants. */
    public boolean matches(Platform candidate) {
        if (candidate == null || !os.equals(candidate.os)
                || !architecture.equals(normalizeArch(candidate.architecture))) {
            return false;
        }
        return variantOrDefault().equals(candidate.variantOrDefault());
    }

    private String variantOrDefault() {
        if (variant != null && !variant.isEmpty()) {
            return variant;
        }
        return switch (architecture) {
            case "arm64" -> "v8";
            case "arm" -> "v7";
            default -> "";
        };
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null || variant.isEmpty() ? "" : "/" + variant);
    }
}
