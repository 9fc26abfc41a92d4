package dev.berth.engine.image;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Digest;
import java.util.regex.Pattern;

/**
 * An image reference, normalized the way Docker does it: {@code busybox} is
 * {@code docker.io/library/busybox:latest}, {@code localhost:5000/app@sha256:...} keeps its registry and
 * digest. Grammar and error texts follow distribution/reference, which the docker CLI users know.
 *
 * @param domain registry host[:port]; {@code docker.io} for Docker Hub
 * @param path   repository path within the registry, e.g. {@code library/busybox}
 * @param tag    tag or null
 * @param digest digest or null
 */
public record Reference(String domain, String path, String tag, Digest digest) {
    public static final String DOCKER_HUB = "docker.io";
    public static final String DEFAULT_TAG = "latest";
    private static final int MAX_NAME = 255;

    private static final String ALNUM = "[a-z0-9]+";
    private static final String SEPARATOR = "(?:[._]|__|[-]+)";
    private static final Pattern PATH_COMPONENT = Pattern.compile(ALNUM + "(?:" + SEPARATOR + ALNUM + ")*");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
                    + "(?::[0-9]+)?|\\[[0-9a-fA-F:.]+](?::[0-9]+)?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

    /** Parses and normalizes; a reference with neither tag nor digest is left without a tag. */
    public static Reference parse(String text) {
        if (text == null || text.isEmpty()) {
            throw invalid("invalid reference format");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Digest.parse(rest.substring(at + 1));
            } catch (IllegalArgumentException e) {
                throw invalid("invalid reference format: " + e.getMessage());
            }
            rest = rest.substring(0, at);
        }
        String tag = null;
        int lastSlash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > lastSlash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw invalid("invalid reference format");
            }
        }
        String domain;
        String path;
        int slash = rest.indexOf('/');
        String first = slash < 0 ? rest : rest.substring(0, slash);
        if (slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost")
                || !first.equals(first.toLowerCase(java.util.Locale.ROOT)))) {
            domain = first;
            path = rest.substring(slash + 1);
        } else {
            domain = DOCKER_HUB;
            path = rest;
        }
        if (domain.equals("index.docker.io")) {
            domain = DOCKER_HUB;
        }
        if (domain.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        validate(domain, path, text);
        return new Reference(domain, path, tag, digest);
    }

    /** Parses and adds {@code :latest} when neither tag nor digest is given (what pull and run do). */
    public static Reference parseWithDefaultTag(String text) {
        Reference r = parse(text);
        return r.tag == null && r.digest == null ? r.withTag(DEFAULT_TAG) : r;
    }

    private static void validate(String domain, String path, String original) {
        if (!DOMAIN.matcher(domain).matches()) {
            throw invalid("invalid reference format");
        }
        if (!path.equals(path.toLowerCase(java.util.Locale.ROOT))) {
            throw invalid("invalid reference format: repository name (" + path + ") must be lowercase");
        }
        for (String component : path.split("/", -1)) {
            if (!PATH_COMPONENT.matcher(component).matches()) {
                throw invalid("invalid reference format");
            }
        }
        if ((domain + "/" + path).length() > MAX_NAME) {
            throw invalid("invalid reference format: repository name must not be more than " + MAX_NAME
                    + " characters");
        }
        if (original.chars().anyMatch(Character::isWhitespace)) {
            throw invalid("invalid reference format");
        }
    }

    public Reference withTag(String t) {
        return new Reference(domain, path, t, digest);
    }

    public Reference withDigest(Digest d) {
        return new Reference(domain, path, tag, d);
    }

    /** {@code docker.io/library/busybox}: registry and path, no tag or digest. */
    public String repository() {
        return domain + "/" + path;
    }

    /** The short form users type: {@code busybox}, {@code user/app}, {@code localhost:5000/app}. */
    public String familiarRepository() {
        if (domain.equals(DOCKER_HUB)) {
            return path.startsWith("library/") ? path.substring("library/".length()) : path;
        }
        return repository();
    }

    /** {@code busybox:latest}, {@code localhost:5000/app@sha256:...}: as the docker CLI prints references. */
    public String familiarString() {
        return familiarRepository() + suffix();
    }

    public boolean isDockerHub() {
        return domain.equals(DOCKER_HUB);
    }

    @Override
    public String toString() {
        return repository() + suffix();
    }

    private String suffix() {
        return (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }

    private static InvalidArgumentException invalid(String message) {
        return new InvalidArgumentException(message);
    }
}
