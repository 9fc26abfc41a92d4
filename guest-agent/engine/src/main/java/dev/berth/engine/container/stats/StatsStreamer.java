package dev.berth.engine.container.stats;

import dev.berth.engine.container.Container;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /containers/{id}/stats} as dockerd answers it: one sample per second on a stream, each with the
 * previous one as {@code pre*}; without a stream one sample, taken one interval after a first so that
 * {@code precpu_stats} is filled (unless {@code one-shot}); zeros for a container that does not run.
 */
public final class StatsStreamer {
    /** dockerd's collection interval. */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    /** Where each sample goes; throws when the client has gone, which ends the stream. */
    @FunctionalInterface
    public interface Sink {
        void accept(Map<String, Object> sample) throws IOException;
    }

    private final StatsSampler sampler;
    private final Duration interval;

    public StatsStreamer(StatsSampler sampler) {
        this(sampler, INTERVAL);
    }

    StatsStreamer(StatsSampler sampler, Duration interval) {
        this.sampler = sampler;
        this.interval = interval;
    }

    /** {@code stream=false}: one sample, after priming {@code precpu_stats} unless {@code oneShot}. */
    public Map<String, Object> once(Container c, boolean oneShot) throws InterruptedException {
        StatsSample first = sampler.sample(c);
        if (first.none() || oneShot) {
            return render(c, first, StatsSample.NONE);
        }
        pause(c);
        StatsSample second = sampler.sample(c);
        return second.none() ? render(c, first, StatsSample.NONE) : render(c, second, first);
    }

    /**
     * {@code stream=true}: a sample now and then every interval, until the client leaves (the sink throws),
     * the container is removed, or it stops after having run during this stream; then it returns normally so
     * the response ends with its last chunk and the connection stays usable. A container that is not running
     * when the stream begins gets zero samples until it starts, as dockerd's collector sends them.
     */
    public void stream(Container c, Sink sink) throws IOException, InterruptedException {
        StatsSample previous = StatsSample.NONE;
        boolean ran = false;
        while (!c.removed().isDone()) {
            StatsSample current = sampler.sample(c);
            if (current.none() && ran) {
                return;
            }
            sink.accept(render(c, current, previous));
            ran |= !current.none();
            previous = current;
            pause(c);
        }
    }

    private Map<String, Object> render(Container c, StatsSample current, StatsSample previous) {
        return StatsJson.render(current, previous, c.record().name(), c.id(), sampler.host().machineMemory());
    }

    /** Waits one interval, less if the container exits or is removed meanwhile (the stream then ends at once). */
    private void pause(Container c) throws InterruptedException {
        CompletableFuture<?> ended = StatsSampler.running(c)
                ? CompletableFuture.anyOf(c.nextExit(), c.removed()) : c.removed();
        try {
            ended.get(interval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException intervalOver) {
            // the usual case: the next sample is due
        }
    }
}
