package dev.lanyard.session.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules in {@code ops/prometheus} are valid, each fires on its synthetic incident and
 * stays silent on a normal day ({@code promtool test rules}), each has a runbook section in
 * docs/operations.md, and every dashboard expression parses.
 */
class AlertRulesTest {

    private static final Pattern ALERT = Pattern.compile("(?m)^\\s*- alert: (\\w+)\\s*$");
    private static final Pattern RUNBOOK = Pattern.compile("(?m)^\\s*runbook: docs/operations\\.md#(\\S+)\\s*$");

    @Test
    void theRulesAreValid() {
        String output = run(
                OpsFiles.promtool().toString(),
                "check",
                "rules",
                OpsFiles.alertRules().toString());

        assertThat(output).contains("SUCCESS: 10 rules found");
    }

    @Test
    void everyAlertFiresOnItsIncidentAndStaysSilentOnANormalDay() {
        String output = run(
                OpsFiles.promtool().toString(),
                "test",
                "rules",
                OpsFiles.alertRuleTests().toString());

        assertThat(output).contains("SUCCESS");
    }

    @Test
    void everyAlertIsTestedOnANormalDayAndOnAnIncident() {
        String tests = OpsFiles.read(OpsFiles.alertRuleTests());
        String normalDay = tests.substring(
                tests.indexOf("- name: a normal day"), tests.indexOf("# ---", tests.indexOf("- name: a normal day")));
        String incidents = tests.substring(tests.indexOf("# ---", tests.indexOf("- name: a normal day")));

        for (String alert : alerts()) {
            assertThat(normalDay)
                    .as("normal-day check of %s", alert)
                    .contains("alertname: " + alert + ", exp_alerts: []");
            assertThat(incidents)
                    .as("incident of %s", alert)
                    .containsPattern("alertname: " + alert + "\\s+exp_alerts:\\s+- exp_labels");
        }
    }

    @Test
    void everyAlertHasARunbookSection() {
        String rules = OpsFiles.read(OpsFiles.alertRules());
        String operations = OpsFiles.read(OpsFiles.dir().resolve("../docs/operations.md"));
        List<String> alerts = alerts();
        List<String> runbooks = new ArrayList<>();
        Matcher m = RUNBOOK.matcher(rules);
        while (m.find()) {
            runbooks.add(m.group(1));
        }

        assertThat(runbooks).hasSameSizeAs(alerts);
        for (String alert : alerts) {
            String anchor = alert.toLowerCase(java.util.Locale.ROOT);
            assertThat(runbooks).as("runbook annotation of %s", alert).contains(anchor);
            assertThat(operations.contains("#### " + alert + "\n"))
                    .as("runbook heading of %s in docs/operations.md", alert)
                    .isTrue();
        }
    }

    @Test
    void everyDashboardExpressionParses(@TempDir Path dir) throws IOException {
        List<String> expressions = DashboardExpressions.of(OpsFiles.read(OpsFiles.dashboard()));
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < expressions.size(); i++) {
            rules.append("      - record: dashboard:expression")
                    .append(i)
                    .append('\n')
                    .append("        expr: '")
                    .append(expressions.get(i).replace("'", "''"))
                    .append("'\n");
        }
        Path file = dir.resolve("dashboard-rules.yml");
        Files.writeString(file, rules);

        String output = run(OpsFiles.promtool().toString(), "check", "rules", file.toString());

        assertThat(expressions).hasSizeGreaterThan(15);
        assertThat(output).contains("SUCCESS: " + expressions.size() + " rules found");
    }

    private static List<String> alerts() {
        List<String> alerts = new ArrayList<>();
        Matcher m = ALERT.matcher(OpsFiles.read(OpsFiles.alertRules()));
        while (m.find()) {
            alerts.add(m.group(1));
        }
        assertThat(alerts).hasSize(10);
        return alerts;
    }

    /**
     * Runs a command in the rules' folder, with a deadline, and returns its output; fails on a
     * non-zero exit. The output goes to a file, so a long report cannot fill a pipe and block.
     */
    static String run(String... command) {
        String line = String.join(" ", command);
        try {
            Path output = Files.createTempFile("promtool", ".out");
            try {
                Process process = new ProcessBuilder(command)
                        .directory(OpsFiles.dir().resolve("prometheus").toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
                process.getOutputStream().close();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(line + " did not finish within 60 s");
                }
                String text = Files.readString(output, StandardCharsets.UTF_8);
                assertThat(process.exitValue())
                        .as("%s exit status; output:%n%s", line, text)
                        .isZero();
                return text;
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + line, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
