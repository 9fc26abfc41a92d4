package dev.berth.engine.volume;

import java.time.Instant;
import java.util.Map;

/**
 * One volume as stored in {@code volumes/<name>/volume.json}. Only the local driver exists, so the data is
 * always {@code volumes/<name>/_data}.
 *
 * @param labels  as given at create; anonymous volumes carry {@link VolumeNames#ANONYMOUS_LABEL}
 * @param options driver options as given (null when none, as Docker shows them)
 */
public record VolumeRecord(String name, String driver, Instant createdAt, Map<String, String> labels,
        Map<String, String> options) {

    public VolumeRecord {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        options = options == null || options.isEmpty() ? null : Map.copyOf(options);
    }

    public boolean anonymous() {
        return labels.containsKey(VolumeNames.ANONYMOUS_LABEL);
    }
}
