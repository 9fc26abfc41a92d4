package dev.berth.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * An image configuration blob (OCI image config, which Docker's v1 image JSON is a superset of). The engine
 * keeps config blobs as the bytes it received, because the image ID is their digest; this record is only
 * for reading them and for the image maker to write new ones.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ImageConfig(
        String created,
        String author,
        String architecture,
        String os,
        @JsonProperty("os.version") String osVersion,
        String variant,
        RuntimeConfig config,
        RootFs rootfs,
        List<History> history) {

    /** The {@code rootfs} section: the uncompressed layer digests (diff IDs), bottom first. */
    public record RootFs(String type, @JsonProperty("diff_ids") List<Digest> diffIds) {
        public RootFs {
            diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
        }
    }

    /** One {@code history} entry; {@code empty_layer} entries have no layer of their own. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record History(
            String created,
            @JsonProperty("created_by") String createdBy,
            String author,
            String comment,
            @JsonProperty("empty_layer") Boolean emptyLayer) {}

    public Platform platform() {
        return new Platform(architecture, os, osVersion, variant);
    }

    public List<Digest> diffIds() {
        return rootfs == null ? List.of() : rootfs.diffIds();
    }
}
