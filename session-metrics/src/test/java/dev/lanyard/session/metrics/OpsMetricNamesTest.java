package dev.lanyard.session.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alert rules and the Grafana dashboard in {@code ops/} name only metrics, labels and label
 * values that session-metrics really exports: checked against a Prometheus scrape after every
 * kind of event, not against a hand-kept list.
 */
class OpsMetricNamesTest {

    private static final Pattern TEMPLATE_QUERY = Pattern.compile("label_values\\(([a-z0-9_]+),\\s*([a-z_]+)\\)");

    private static EmittedSeries emitted;

    @BeforeAll
    static void scrape() {
        emitted = EmittedSeries.scrape();
    }

    @Test
    void theScrapeHoldsEveryMeterTheRulesNeed() {
        assertThat(emitted.names())
                .contains(
                        "lanyard_tokens_reuse_detected_total",
                        "lanyard_sessions_rotated_total",
                        "lanyard_store_operations_seconds",
                        "lanyard_store_operations_seconds_count",
                        "lanyard_store_operations_seconds_bucket",
                        "lanyard_sessions_per_user");
        assertThat(emitted.labels("lanyard_sessions_rotated_total").get("cause"))
                .contains("login", "requested");
    }

    @Test
    void theAlertRulesNameOnlyEmittedMetricsAndTags() {
        MetricReferences references = new MetricReferences(emitted)
                .checkExpression("lanyard-alerts.yml", OpsFiles.read(OpsFiles.alertRules()));

        assertThat(references.problems()).isEmpty();
        assertThat(references.metricReferences()).isGreaterThan(20);
    }

    @Test
    void theRuleTestsFeedOnlyEmittedSeries() {
        MetricReferences references = new MetricReferences(emitted)
                .checkExpression("lanyard-alerts.test.yml", OpsFiles.read(OpsFiles.alertRuleTests()));

        assertThat(references.problems()).isEmpty();
        assertThat(references.metricReferences()).isGreaterThan(30);
    }

    @Test
    void theDashboardNamesOnlyEmittedMetricsAndTags() {
        String json = OpsFiles.read(OpsFiles.dashboard());
        MetricReferences references = new MetricReferences(emitted);
        List<String> expressions = DashboardExpressions.of(json);
        for (String expression : expressions) {
            references.checkExpression("dashboard expr " + expression, expression);
        }
        for (String legend : DashboardExpressions.legends(json)) {
            references.checkLegend("dashboard legend " + legend, legend);
        }
        Matcher query = TEMPLATE_QUERY.matcher(json);
        int queries = 0;
        while (query.find()) {
            queries++;
            references.checkExpression("dashboard variable", query.group(1) + " by (" + query.group(2) + ")");
        }

        assertThat(references.problems()).isEmpty();
        assertThat(expressions).hasSizeGreaterThan(15);
        assertThat(queries).isPositive();
    }

    @Test
    void aMisspelledMetricAnUnknownTagOrAnImpossibleValueIsCaught() {
        MetricReferences references = new MetricReferences(emitted)
                .checkExpression("control", "sum by (user) (rate(lanyard_sessions_created_total[5m]))")
                .checkExpression("control", "rate(lanyard_sessions_rotated_total{cause=\"logout\"}[5m])")
                .checkExpression("control", "rate(lanyard_sessions_logins_total{node=\"a\"}[5m])")
                .checkLegend("control", "{{handle}}");

        assertThat(references.problems())
                .containsExactly(
                        "control: metric lanyard_sessions_created_total is not emitted",
                        "control: no Lanyard metric has the label user",
                        "control: lanyard_sessions_rotated_total never has cause=\"logout\" (it has [login, privilege_change, "
                                + "reauthentication, renewal, requested])",
                        "control: lanyard_sessions_logins_total has no label node",
                        "control: no Lanyard metric has the label handle");
    }
}
