package berth.bench;

/** One named benchmark. */
interface Scenario {
    String name();

    String description();

    /** Runs against every engine in {@code engines}; returns what to report. */
    Outcome run(Engines engines, Fixtures fixtures, int iterations) throws Exception;
}
