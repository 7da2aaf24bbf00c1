package dev.lanyard.session.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds every Lanyard metric, label matcher, grouping label and template label a PromQL text
 * names, and reports each one that the code does not emit.
 */
final class MetricReferences {

    private static final Pattern SELECTOR = Pattern.compile("\\b(lanyard_[a-z0-9_]+)\\b(\\s*\\{([^}]*)\\})?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring)\\s*\\(([^)]*)\\)");
    private static final Pattern TEMPLATE_LABEL =
            Pattern.compile("\\{\\{\\s*(?:\\$labels\\.)?([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");
    private static final Pattern LABELS_REFERENCE = Pattern.compile("\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)");

    private final EmittedSeries emitted;
    private final List<String> problems = new ArrayList<>();
    private int metricReferences;

    MetricReferences(EmittedSeries emitted) {
        this.emitted = emitted;
    }

    /**
     * Checks a PromQL expression (or a whole rules file): metric names, the labels and fixed values
     * of its matchers, and the labels it groups by.
     *
     * @param where what to name in a problem
     * @param text the text
     * @return this
     */
    MetricReferences checkExpression(String where, String text) {
        Matcher selector = SELECTOR.matcher(text);
        while (selector.find()) {
            String metric = selector.group(1);
            metricReferences++;
            Map<String, Set<String>> labels = emitted.labels(metric);
            if (labels.isEmpty() && !emitted.names().contains(metric)) {
                problems.add(where + ": metric " + metric + " is not emitted");
                continue;
            }
            if (selector.group(3) == null) {
                continue;
            }
            Matcher matcher = MATCHER.matcher(selector.group(3));
            while (matcher.find()) {
                String label = matcher.group(1);
                String operator = matcher.group(2);
                String value = matcher.group(3);
                if (EmittedSeries.TARGET_LABELS.contains(label)) {
                    continue;
                }
                Set<String> values = labels.get(label);
                if (values == null) {
                    problems.add(where + ": " + metric + " has no label " + label);
                } else if ((operator.equals("=") || operator.equals("!="))
                        && !value.contains("$")
                        && !values.contains(value)) {
                    problems.add(where + ": " + metric + " never has " + label + "=\"" + value + "\" (it has " + values
                            + ")");
                }
            }
        }
        Matcher grouping = GROUPING.matcher(text);
        while (grouping.find()) {
            for (String label : grouping.group(1).split(",")) {
                checkLabel(where, label.strip());
            }
        }
        Matcher reference = LABELS_REFERENCE.matcher(text);
        while (reference.find()) {
            checkLabel(where, reference.group(1));
        }
        return this;
    }

    /**
     * Checks a legend format's {@code {{label}}} references.
     *
     * @param where what to name in a problem
     * @param legend the legend format
     * @return this
     */
    MetricReferences checkLegend(String where, String legend) {
        Matcher label = TEMPLATE_LABEL.matcher(legend);
        while (label.find()) {
            checkLabel(where, label.group(1));
        }
        return this;
    }

    private void checkLabel(String where, String label) {
        if (!label.isEmpty() && !emitted.allLabels().contains(label)) {
            problems.add(where + ": no Lanyard metric has the label " + label);
        }
    }

    List<String> problems() {
        return problems;
    }

    int metricReferences() {
        return metricReferences;
    }
}
