package dev.berth.engine.image.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * One entry of a docker-archive's {@code manifest.json}, with moby's field names. {@code RepoTags} is written
 * as {@code null} for untagged images, as Docker does; {@code Parent} and {@code LayerSources} are read (and
 * ignored: Berth keeps no parent chain and fetches no foreign layers) but never written.
 */
record ManifestItem(
        @JsonProperty("Config") String config,
        @JsonProperty("RepoTags") List<String> repoTags,
        @JsonProperty("Layers") List<String> layers,
        @JsonProperty("Parent") @JsonInclude(JsonInclude.Include.NON_NULL) String parent,
        @JsonProperty("LayerSources") @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Object> layerSources) {

    ManifestItem {
        layers = layers == null ? List.of() : List.copyOf(layers);
    }
}
