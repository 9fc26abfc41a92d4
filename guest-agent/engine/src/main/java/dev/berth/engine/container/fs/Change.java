package dev.berth.engine.container.fs;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One item of {@code GET /containers/{id}/changes}, as dockerd encodes it: {@code {"Path":"/x","Kind":1}}.
 * The CLI prints Kind 0 as {@code C}, 1 as {@code A}, 2 as {@code D}.
 */
@JsonPropertyOrder({"Path", "Kind"})
record Change(@JsonProperty("Path") String path, @JsonProperty("Kind") int kind) {
    static final int MODIFIED = 0;
    static final int ADDED = 1;
    static final int DELETED = 2;

    @Override
    public String toString() {
        return (kind == MODIFIED ? "C " : kind == ADDED ? "A " : "D ") + path;
    }
}
