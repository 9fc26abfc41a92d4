package berth.bench;

import dev.berth.oci.layout.OciLayout;
import dev.berth.testkit.FixtureImages;
import dev.berth.testkit.RegistryFixture;

/** The fixture registry with every fixture image pushed, shared by all scenarios of a run. */
final class Fixtures implements AutoCloseable {
    final RegistryFixture registry;
    final OciLayout layout;

    private Fixtures(RegistryFixture registry, OciLayout layout) {
        this.registry = registry;
        this.layout = layout;
    }

    static Fixtures start() throws Exception {
        OciLayout layout = FixtureImages.layout();
        RegistryFixture r = RegistryFixture.start();
        FixtureImages.pushAll(layout, r.baseUri());
        return new Fixtures(r, layout);
    }

    String image(String name) {
        return registry.host() + "/" + name;
    }

    @Override
    public void close() {
        registry.close();
    }
}
