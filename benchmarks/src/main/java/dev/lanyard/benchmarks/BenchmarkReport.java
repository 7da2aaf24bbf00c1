package dev.lanyard.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs JMH benchmarks and prints each result beside the baseline of its class, measured in the
 * same run, as a ratio. Every benchmark class names its floor {@code baseline} (a raw Lettuce
 * round trip, a request with no session filter, bare Nimbus); the ratio is what Lanyard costs
 * on top of that floor, which stays meaningful on noisy machines where absolute numbers do not.
 * Ratios divide the <em>medians</em> of the measurement iterations, so one iteration slowed by
 * another process on a shared machine does not move them; JMH's mean and error are printed too.
 *
 * <p>Takes JMH's usual command-line options (for example a regular expression of benchmarks to
 * run, {@code -f 1 -wi 3 -i 5}).
 */
public final class BenchmarkReport {

    private BenchmarkReport() {}

    /**
     * Runs the benchmarks selected by {@code args} and prints the ratio table.
     *
     * @param args JMH command-line options
     * @throws RunnerException if JMH fails
     * @throws CommandLineOptionException if the options are malformed
     */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        Collection<RunResult> results = new Runner(new CommandLineOptions(args)).run();
        List<Row> rows = new ArrayList<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            if (!r.getParams().getParamsKeys().isEmpty()) {
                StringBuilder params = new StringBuilder();
                for (String key : r.getParams().getParamsKeys()) {
                    params.append(params.length() == 0 ? "" : ",")
                            .append(key)
                            .append('=')
                            .append(r.getParams().getParam(key));
                }
                label += "[" + params + "]";
            }
            List<Double> iterations = new ArrayList<>();
            for (BenchmarkResult fork : r.getBenchmarkResults()) {
                for (IterationResult iteration : fork.getIterationResults()) {
                    iterations.add(iteration.getPrimaryResult().getScore());
                }
            }
            rows.add(new Row(
                    label,
                    r.getPrimaryResult().getScore(),
                    r.getPrimaryResult().getScoreError(),
                    r.getPrimaryResult().getScoreUnit(),
                    r.getParams().getMode().shortLabel(),
                    median(iterations, r.getPrimaryResult().getScore())));
        }
        ReportLog.block(table(rows));
    }

    /**
     * One measured benchmark.
     *
     * @param benchmark the fully qualified benchmark method, with parameters in brackets
     * @param score the score
     * @param error the 99.9% error margin
     * @param unit the score's unit
     * @param mode the JMH mode label ({@code avgt}, {@code thrpt})
     * @param median the median of the measurement iterations' scores
     */
    record Row(String benchmark, double score, double error, String unit, String mode, double median) {

        Row(String benchmark, double score, double error, String unit, String mode) {
            this(benchmark, score, error, unit, mode, score);
        }

        String group() {
            int dot = benchmark.lastIndexOf(
                    '.', benchmark.indexOf('[') < 0 ? benchmark.length() : benchmark.indexOf('['));
            String cls = benchmark.substring(0, dot);
            int bracket = benchmark.indexOf('[');
            return bracket < 0 ? cls : cls + benchmark.substring(bracket);
        }

        String method() {
            int end = benchmark.indexOf('[') < 0 ? benchmark.length() : benchmark.indexOf('[');
            return benchmark.substring(benchmark.lastIndexOf('.', end) + 1, end);
        }
    }

    static double median(List<Double> values, double fallback) {
        if (values.isEmpty()) {
            return fallback;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * Formats rows as a table with a ratio column: for time modes, median / baseline median; for
     * throughput, baseline median / median. So a ratio of 1.15 always means "15% slower than the
     * floor".
     *
     * @param rows the results
     * @return the table text
     */
    static String table(List<Row> rows) {
        Map<String, Row> baselines = new LinkedHashMap<>();
        for (Row row : rows) {
            if (row.method().equals("baseline")) {
                baselines.put(row.group(), row);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%-62s %5s %12s %12s %10s %-6s %7s%n",
                "benchmark",
                "mode",
                "median",
                "mean",
                "error",
                "unit",
                "ratio"));
        for (Row row : rows) {
            Row base = baselines.get(row.group());
            String ratio = "-";
            if (base != null && base.median() > 0 && row.median() > 0) {
                double r = row.mode().equals("thrpt") ? base.median() / row.median() : row.median() / base.median();
                ratio = String.format(Locale.ROOT, "%.2fx", r);
            }
            out.append(String.format(
                    Locale.ROOT,
                    "%-62s %5s %12.3f %12.3f %10.3f %-6s %7s%n",
                    shorten(row.benchmark()),
                    row.mode(),
                    row.median(),
                    row.score(),
                    row.error(),
                    row.unit(),
                    ratio));
        }
        return out.toString();
    }

    private static String shorten(String benchmark) {
        return benchmark.startsWith("dev.lanyard.benchmarks.")
                ? benchmark.substring("dev.lanyard.benchmarks.".length())
                : benchmark;
    }
}
