package dev.berth.engine.image.registry;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Digest;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;

/**
 * Decides what a fetched manifest is, refusing what Berth must not guess about: schema 1, documents that
 * could be read both as an index and as a manifest (CVE-2021-41190), a body that contradicts its
 * Content-Type, and media types Berth does not know. Follows moby's detectManifestBlobMediaType. Also the
 * digest checks shared by fetch and push, and the validation of tags and digests before they enter a URL.
 */
final class ManifestChecks {
    /** Duplicate keys or trailing data would let two parsers see two different documents. */
    private static final ObjectReader STRICT = Json.mapper().reader()
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final Pattern TAG = Pattern.compile("\\w[\\w.-]{0,127}");

    private ManifestChecks() {}

    /**
     * The media type of {@code body}, checked.
     *
     * @param contentType the response's Content-Type, may be null
     * @param ref         the reference for messages, e.g. {@code 127.0.0.1:5000/app:latest}
     * @throws InvalidArgumentException when the manifest is unsupported, ambiguous or malformed
     */
    static String mediaType(byte[] body, String contentType, String ref) {
        JsonNode doc = parse(body, ref);
        String declared = declaredType(doc, ref);
        String header = normalize(contentType);
        boolean manifests = doc.has("manifests");
        boolean config = doc.has("config");
        boolean layers = doc.has("layers");
        if (isSchema1(declared) || isSchema1(header) || doc.has("fsLayers") || doc.path("schemaVersion").asInt(0) == 1) {
            throw new InvalidArgumentException("manifest for " + ref + " is Docker Image manifest version 2, schema 1,"
                    + " which is not supported (support has been removed from Docker too); the image must be"
                    + " republished as OCI or Docker schema 2");
        }
        if (manifests && (config || layers)) {
            throw new InvalidArgumentException("manifest for " + ref + " is ambiguous: it has \"manifests\" and "
                    + (config ? "\"config\"" : "\"layers\"") + ", so it could be read as an index or a manifest");
        }
        if (declared != null && header != null && !declared.equals(header)) {
            throw new InvalidArgumentException("manifest for " + ref + " declares media type " + declared
                    + " but the registry sent Content-Type " + header);
        }
        String type = declared != null ? declared : header != null ? header
                : manifests ? MediaTypes.OCI_INDEX : config ? MediaTypes.OCI_MANIFEST : null;
        if (type == null) {
            throw new InvalidArgumentException("cannot tell the media type of the manifest for " + ref);
        }
        if ((MediaTypes.isIndex(type) && (config || layers)) || (MediaTypes.isManifest(type) && manifests)) {
            throw new InvalidArgumentException("manifest for " + ref + " has media type " + type
                    + " but the fields of " + (manifests ? "an index" : "an image manifest"));
        }
        if (!MediaTypes.isIndex(type) && !MediaTypes.isManifest(type)) {
            throw unsupported(type, ref);
        }
        return type;
    }

    private static InvalidArgumentException unsupported(String type, String ref) {
        if (type.startsWith("application/vnd.docker.ai.")) {
            return new InvalidArgumentException(ref + " is an AI model (" + type + "), not a container image;"
                    + " it is not supported");
        }
        return new InvalidArgumentException("manifest media type " + type + " of " + ref + " is not supported");
    }

    private static JsonNode parse(byte[] body, String ref) {
        try {
            JsonNode doc = STRICT.readTree(body);
            if (doc != null && doc.isObject()) {
                return doc;
            }
        } catch (JacksonException e) {
            // reported below, without the parser's internals
        }
        throw new InvalidArgumentException("manifest for " + ref + " is not a valid JSON document");
    }

    private static String declaredType(JsonNode doc, String ref) {
        JsonNode n = doc.get("mediaType");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isString()) {
            throw new InvalidArgumentException("manifest for " + ref + " has a mediaType that is not a string");
        }
        return n.asString().isBlank() ? null : n.asString().trim().toLowerCase(Locale.ROOT);
    }

    /** Parameters are dropped; a generic JSON type says nothing about what the document is. */
    static String normalize(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        String t = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return t.isEmpty() || t.equals("application/json") || t.equals("text/plain")
                || t.equals("application/octet-stream") ? null : t;
    }

    private static boolean isSchema1(String type) {
        return MediaTypes.DOCKER_SCHEMA1.equals(type) || MediaTypes.DOCKER_SCHEMA1_SIGNED.equals(type);
    }

    /** True if {@code body} hashes to {@code digest} with the digest's own algorithm. */
    static boolean matches(Digest digest, byte[] body) {
        MessageDigest hasher = digest.newHasher();
        return HexFormat.of().formatHex(hasher.digest(body)).equals(digest.hex());
    }

    /** The digest a reference names, or null for a tag; anything else could inject into the URL path. */
    static Digest tagOrDigest(String tagOrDigest) {
        if (tagOrDigest != null && tagOrDigest.indexOf(':') > 0) {
            try {
                return Digest.parse(tagOrDigest);
            } catch (IllegalArgumentException e) {
                throw new InvalidArgumentException("invalid digest: " + HttpSender.sanitize(tagOrDigest));
            }
        }
        if (tagOrDigest == null || !TAG.matcher(tagOrDigest).matches()) {
            throw new InvalidArgumentException("invalid tag: " + HttpSender.sanitize(String.valueOf(tagOrDigest)));
        }
        return null;
    }

    /** Checks a Docker-Content-Digest with its own algorithm; a malformed one counts as a mismatch. */
    static boolean matchesAnnounced(String announced, byte[] body) {
        try {
            return matches(Digest.parse(announced.trim()), body);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    static InvalidArgumentException verificationFailed(String digest) {
        return new InvalidArgumentException("manifest verification failed for digest " + digest);
    }
}
