package dev.berth.vm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** Berth's version as built, for {@code --version} and {@code berth version}. */
final class CliVersion implements CommandLine.IVersionProvider {
    static final String VERSION = load();

    @Override
    public String[] getVersion() {
        return new String[] {"berth " + VERSION};
    }

    private static String load() {
        try (InputStream in = CliVersion.class.getResourceAsStream("/berth-cli.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
