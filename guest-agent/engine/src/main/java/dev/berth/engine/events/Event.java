package dev.berth.engine.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One engine event, in the shape of Docker's {@code /events} messages. {@code status}, {@code id} and
 * {@code from} are the legacy fields older clients still read for container and image events.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(
        @JsonProperty("status") String status,
        @JsonProperty("id") String id,
        @JsonProperty("from") String from,
        @JsonProperty("Type") String type,
        @JsonProperty("Action") String action,
        @JsonProperty("Actor") Actor actor,
        @JsonProperty("scope") String scope,
        @JsonProperty("time") long time,
        @JsonProperty("timeNano") long timeNano) {

    public record Actor(@JsonProperty("ID") String id, @JsonProperty("Attributes") Map<String, String> attributes) {}

    public static Event of(String type, String action, String actorId, Map<String, String> attributes) {
        long nanos = nowNanos();
        boolean legacy = type.equals("container") || type.equals("image");
        String from = type.equals("container") ? attributes.get("image") : null;
        return new Event(legacy ? action : null, legacy ? actorId : null, from, type, action,
                new Actor(actorId, Map.copyOf(attributes)), "local", nanos / 1_000_000_000L, nanos);
    }

    private static long nowNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
