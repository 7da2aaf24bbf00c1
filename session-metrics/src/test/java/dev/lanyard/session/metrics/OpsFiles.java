package dev.lanyard.session.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the repository's {@code ops/} folder (alert rules, their tests, the Grafana dashboard)
 * and the {@code promtool} binary that checks them.
 */
final class OpsFiles {

    /** The Debian package that provides promtool. */
    static final String PROMTOOL_PACKAGE = "prometheus";

    private OpsFiles() {}

    /** The {@code ops/} folder: system property {@code lanyard.ops.dir}, else {@code ../ops}. */
    static Path dir() {
        Path dir = Path.of(System.getProperty("lanyard.ops.dir", "../ops"))
                .toAbsolutePath()
                .normalize();
        assertThat(dir.resolve("prometheus"))
                .as("the ops folder (set -Dlanyard.ops.dir)")
                .isDirectory();
        return dir;
    }

    static Path alertRules() {
        return dir().resolve("prometheus/lanyard-alerts.yml");
    }

    static Path alertRuleTests() {
        return dir().resolve("prometheus/lanyard-alerts.test.yml");
    }

    static Path dashboard() {
        return dir().resolve("grafana/lanyard-sessions.json");
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    /**
     * The promtool binary: environment variable {@code PROMTOOL} if set, else {@code promtool} on the
     * {@code PATH}; fails loudly naming the Debian package otherwise. Never skips.
     */
    static Path promtool() {
        String explicit = System.getenv("PROMTOOL");
        if (explicit != null && !explicit.isBlank()) {
            Path path = Path.of(explicit);
            assertThat(path).as("PROMTOOL=%s", explicit).isExecutable();
            return path;
        }
        Optional<Path> onPath = Optional.empty();
        String path = System.getenv().getOrDefault("PATH", "");
        for (String entry : path.split(File.pathSeparator)) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, "promtool");
            if (Files.isExecutable(candidate)) {
                onPath = Optional.of(candidate);
                break;
            }
        }
        return onPath.orElseThrow(() ->
                new AssertionError("promtool is not on the PATH and PROMTOOL is not set: install the Debian package '"
                        + PROMTOOL_PACKAGE + "' (apt-get install prometheus) or point PROMTOOL at the binary"));
    }
}
