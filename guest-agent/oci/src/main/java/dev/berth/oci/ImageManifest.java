package dev.berth.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** A single-platform image manifest, Docker schema 2 or OCI: one config blob and the layers in order. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ImageManifest(
        int schemaVersion,
        String mediaType,
        Descriptor config,
        List<Descriptor> layers,
        Map<String, String> annotations) {

    public ImageManifest {
        layers = layers == null ? List.of() : List.copyOf(layers);
    }
}
