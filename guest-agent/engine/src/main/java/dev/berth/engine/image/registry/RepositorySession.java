package dev.berth.engine.image.registry;

import dev.berth.engine.errors.EngineException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.SystemException;
import dev.berth.engine.errors.UnavailableException;
import dev.berth.engine.image.Reference;
import dev.berth.oci.Digest;
import dev.berth.oci.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The distribution API for one repository of one registry, with the credentials the session was opened
 * with. Safe for concurrent use: a pull downloads several layers at once through one session.
 */
public final class RepositorySession {
    /** A manifest or index as fetched: its checked media type, its bytes, and its digest. */
    public record FetchedManifest(String mediaType, byte[] body, Digest digest) {}

    /**
     * A blob being downloaded. {@code startOffset} is where {@code body} starts: the requested offset when
     * the registry honoured the Range (206), 0 when it sent the whole blob (200) and the caller must start
     * over. {@code contentLength} is the length of {@code body}, or -1 if the registry did not say.
     */
    public record BlobResponse(InputStream body, long startOffset, long contentLength) implements AutoCloseable {
        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException ignored) {
                // closing a half-read download just drops the connection
            }
        }
    }

    /** containerd refuses more, the spec asks registries to accept at least this much. */
    static final int MAX_MANIFEST = dev.berth.engine.image.ImageLimits.MAX_MANIFEST;
    private static final String ACCEPT = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST,
            MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_MANIFEST);
    private static final Duration HEADERS_TIMEOUT = Duration.ofMinutes(2);
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final Pattern PATH = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)");

    private final Transport transport;
    private final Authenticator.Target target;
    private final Reference ref;
    private final List<String> readScopes;
    private final List<String> pushScopes;
    /** Upload sessions a refused mount opened (202): the next upload of that blob continues there. */
    private final Map<Digest, URI> openedByMount = new ConcurrentHashMap<>();

    RepositorySession(Transport transport, Authenticator.Target target, Reference ref, boolean push) {
        this.transport = transport;
        this.target = target;
        this.ref = ref;
        this.pushScopes = List.of("repository:" + ref.path() + ":pull,push");
        this.readScopes = push ? pushScopes : List.of("repository:" + ref.path() + ":pull");
    }

    public Reference reference() {
        return ref;
    }

    /**
     * Fetches the manifest or index named by a tag or digest and checks it: at most 4 MiB, its digest
     * (requested and Docker-Content-Digest), and its media type ({@link ManifestChecks}).
     */
    public FetchedManifest fetchManifest(String tagOrDigest) {
        Digest wanted = ManifestChecks.tagOrDigest(tagOrDigest);
        String shown = new Reference(ref.domain(), ref.path(), wanted == null ? tagOrDigest : null, wanted)
                .familiarString();
        HttpSender.Call call = HttpSender.Call.get(uri("/manifests/" + tagOrDigest), Map.of("Accept", ACCEPT));
        try (RegistryResponse r = transport.execute(target, call, readScopes)) {
            if (r.status() != 200) {
                throw RegistryErrors.fail(r, host(), "manifest " + shown, m -> "manifest for " + shown
                        + " not found: " + (m != null ? m : "manifest unknown: manifest unknown"));
            }
            byte[] body = readManifest(r, shown);
            if (wanted != null && !ManifestChecks.matches(wanted, body)) {
                throw ManifestChecks.verificationFailed(wanted.toString());
            }
            String announced = r.header("Docker-Content-Digest").orElse(null);
            if (announced != null && !ManifestChecks.matchesAnnounced(announced, body)) {
                throw ManifestChecks.verificationFailed(HttpSender.sanitize(announced));
            }
            String type = ManifestChecks.mediaType(body, r.header("Content-Type").orElse(null), shown);
            return new FetchedManifest(type, body, wanted != null ? wanted : Digest.sha256(body));
        }
    }

    private byte[] readManifest(RegistryResponse r, String shown) {
        if (r.contentLength() > MAX_MANIFEST) {
            throw tooLarge(shown);
        }
        try {
            byte[] body = r.readAtMost(MAX_MANIFEST);
            if (body.length > MAX_MANIFEST) {
                throw tooLarge(shown);
            }
            return body;
        } catch (IOException e) {
            throw new UnavailableException(target.label() + " unavailable: " + HttpSender.describe(e), e);
        }
    }

    /**
     * Opens a blob for streaming, from {@code offset} (a Range request when positive). The caller verifies
     * size and digest. A 416 (the offset is at or past the end) restarts from 0, as a resumed download must.
     */
    public BlobResponse openBlob(Digest digest, long offset) {
        if (offset < 0) {
            throw new InvalidArgumentException("negative blob offset " + offset);
        }
        Map<String, String> headers = offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of();
        HttpSender.Call call = new HttpSender.Call("GET", uri("/blobs/" + digest), headers, null, HEADERS_TIMEOUT);
        RegistryResponse r = transport.execute(target, call, readScopes);
        boolean handedOver = false;
        try {
            if (r.status() == 416 && offset > 0) {
                return openBlob(digest, 0);
            }
            if (r.status() != 200 && r.status() != 206) {
                throw RegistryErrors.fail(r, host(), "blob " + digest, blobNotFound(digest));
            }
            long start = r.status() == 206 ? rangeStart(r, offset) : 0;
            handedOver = true;
            return new BlobResponse(r.body(), start, r.contentLength());
        } finally {
            if (!handedOver) {
                r.close();
            }
        }
    }

    private long rangeStart(RegistryResponse r, long offset) {
        String range = r.header("Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(range.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) != offset) {
            throw new SystemException(target.label() + " answered a request for bytes from " + offset
                    + " with Content-Range \"" + HttpSender.sanitize(range) + "\"");
        }
        return offset;
    }

    /** HEAD on the blob: true on 200, false on 404. */
    public boolean blobExists(Digest digest) {
        HttpSender.Call call = new HttpSender.Call("HEAD", uri("/blobs/" + digest), Map.of(), null, HEADERS_TIMEOUT);
        try (RegistryResponse r = transport.execute(target, call, readScopes)) {
            if (r.status() == 200) {
                return true;
            }
            if (r.status() == 404) {
                return false;
            }
            throw RegistryErrors.fail(r, host(), "blob " + digest, blobNotFound(digest));
        }
    }

    /**
     * Asks the registry to link a blob from another repository of the same registry instead of uploading it.
     * True when mounted (201); false when the registry opened an upload instead (202), which the next
     * {@link #uploadBlob} of this digest then uses.
     */
    public boolean mountBlob(Digest digest, String fromRepositoryPath) {
        if (fromRepositoryPath == null || !PATH.matcher(fromRepositoryPath).matches()) {
            throw new InvalidArgumentException("invalid repository path to mount from: " + fromRepositoryPath);
        }
        URI uri = uri("/blobs/uploads/?mount=" + digest + "&from=" + fromRepositoryPath);
        HttpSender.Call call = new HttpSender.Call("POST", uri, Map.of(), null, HEADERS_TIMEOUT);
        List<String> scopes = List.of(pushScopes.getFirst(), "repository:" + fromRepositoryPath + ":pull");
        try (RegistryResponse r = transport.execute(target, call, scopes)) {
            if (r.status() == 201) {
                return true;
            }
            if (r.status() != 202) {
                throw RegistryErrors.fail(r, host(), "mount of blob " + digest, repositoryNotFound());
            }
            r.header("Location").ifPresent(l -> openedByMount.put(digest,
                    HttpSender.resolveLocation(r.uri(), l, target.label())));
            return false;
        }
    }

    /**
     * Uploads a blob monolithically: POST to open an upload, then one PUT of exactly {@code size} bytes with
     * {@code ?digest=}. {@code content} is opened once per attempt; {@code progress} gets the bytes sent so
     * far in the current attempt.
     */
    public void uploadBlob(Digest digest, long size, IOSupplier<InputStream> content, LongConsumer progress) {
        if (size < 0) {
            throw new InvalidArgumentException("negative blob size " + size);
        }
        URI location = openedByMount.remove(digest);
        URI put = withQuery(location != null ? location : startUpload(digest), "digest=" + digest);
        try (UploadBody body = new UploadBody(content, size, progress)) {
            HttpSender.Call call = new HttpSender.Call("PUT", put,
                    Map.of("Content-Type", "application/octet-stream"), body::next, null);
            RegistryResponse r;
            try {
                r = transport.execute(target, call, pushScopes);
            } catch (EngineException e) {
                IOException local = body.sourceFailure();
                if (local != null) {
                    throw new SystemException("cannot read blob " + digest + " to upload: " + local.getMessage(), local);
                }
                throw e;
            }
            try (r) {
                if (r.status() / 100 != 2) {
                    throw RegistryErrors.fail(r, host(), "upload of blob " + digest, repositoryNotFound());
                }
                String stored = r.header("Docker-Content-Digest").orElse(null);
                if (stored != null && !stored.trim().equals(digest.toString())) {
                    throw new SystemException(target.label() + " stored blob " + digest + " as "
                            + HttpSender.sanitize(stored));
                }
            }
        }
    }

    private URI startUpload(Digest digest) {
        HttpSender.Call call = new HttpSender.Call("POST", uri("/blobs/uploads/"), Map.of(), null, HEADERS_TIMEOUT);
        try (RegistryResponse r = transport.execute(target, call, pushScopes)) {
            if (r.status() != 202) {
                throw RegistryErrors.fail(r, host(), "upload of blob " + digest, repositoryNotFound());
            }
            String location = r.header("Location").orElseThrow(() -> new SystemException(
                    target.label() + " opened an upload without a Location"));
            return HttpSender.resolveLocation(r.uri(), location, target.label());
        }
    }

    /** PUTs a manifest under a tag or its digest and returns its digest. */
    public Digest putManifest(String tagOrDigest, String mediaType, byte[] body) {
        Digest named = ManifestChecks.tagOrDigest(tagOrDigest);
        if (body.length > MAX_MANIFEST) {
            throw new InvalidArgumentException("manifest for " + ref.familiarRepository() + " is larger than 4 MiB");
        }
        if (named != null && !ManifestChecks.matches(named, body)) {
            throw new InvalidArgumentException("manifest does not match its digest " + named);
        }
        if (mediaType == null || mediaType.isBlank() || mediaType.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
            throw new InvalidArgumentException("invalid manifest media type: " + mediaType);
        }
        HttpSender.Call call = new HttpSender.Call("PUT", uri("/manifests/" + tagOrDigest),
                Map.of("Content-Type", mediaType), () -> HttpRequest.BodyPublishers.ofByteArray(body), HEADERS_TIMEOUT);
        try (RegistryResponse r = transport.execute(target, call, pushScopes)) {
            if (r.status() / 100 != 2) {
                throw RegistryErrors.fail(r, host(), "manifest " + tagOrDigest, repositoryNotFound());
            }
            String announced = r.header("Docker-Content-Digest").orElse(null);
            if (announced != null && !ManifestChecks.matchesAnnounced(announced, body)) {
                throw ManifestChecks.verificationFailed(HttpSender.sanitize(announced));
            }
        }
        return named != null ? named : Digest.sha256(body);
    }

    private static InvalidArgumentException tooLarge(String shown) {
        return new InvalidArgumentException("manifest for " + shown + " is larger than the 4 MiB limit");
    }

    private Function<String, String> blobNotFound(Digest digest) {
        return m -> "blob " + digest + " not found in " + ref.familiarRepository()
                + ": " + (m != null ? m : "blob unknown: blob unknown to registry");
    }

    private Function<String, String> repositoryNotFound() {
        return m -> "repository " + ref.familiarRepository() + " not found"
                + (m != null ? ": " + m : ": name unknown: repository name not known to registry");
    }

    private static URI withQuery(URI location, String param) {
        return URI.create(location + (location.getRawQuery() == null ? "?" : "&") + param);
    }

    private URI uri(String suffix) {
        return transport.base(target.host()).resolve("/v2/" + ref.path() + suffix);
    }

    private String host() {
        return target.host().apiHost();
    }
}
