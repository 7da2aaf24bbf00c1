package dev.lanyard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkReportTest {

    @Test
    void timeResultsAreDividedByTheirClassBaseline() {
        String table = BenchmarkReport.table(List.of(
                new BenchmarkReport.Row("dev.lanyard.benchmarks.X.baseline", 100, 1, "ns/op", "avgt"),
                new BenchmarkReport.Row("dev.lanyard.benchmarks.X.resolve", 115, 1, "ns/op", "avgt"),
                new BenchmarkReport.Row("dev.lanyard.benchmarks.Y.other", 5, 1, "ns/op", "avgt")));
        assertThat(table)
                .containsPattern("X\\.baseline .* 1\\.00x")
                .containsPattern("X\\.resolve .* 1\\.15x")
                .containsPattern("Y\\.other .* -");
    }

    @Test
    void throughputRatiosReadAsSlowdownToo() {
        String table = BenchmarkReport.table(List.of(
                new BenchmarkReport.Row("dev.lanyard.benchmarks.H.baseline", 1000, 1, "ops/s", "thrpt"),
                new BenchmarkReport.Row("dev.lanyard.benchmarks.H.withFilter", 800, 1, "ops/s", "thrpt")));
        assertThat(table).containsPattern("H\\.withFilter .* 1\\.25x");
    }

    @Test
    void ratiosUseTheMedianIterationSoOneDisturbedIterationDoesNotMoveThem() {
        String table = BenchmarkReport.table(List.of(
                new BenchmarkReport.Row("dev.lanyard.benchmarks.R.baseline", 300, 400, "us/op", "avgt", 100),
                new BenchmarkReport.Row("dev.lanyard.benchmarks.R.resolve", 120, 5, "us/op", "avgt", 110)));
        assertThat(table).containsPattern("R\\.resolve .* 1\\.10x");
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddlePair() {
        assertThat(BenchmarkReport.median(List.of(5.0, 1.0, 100.0, 3.0), 0)).isEqualTo(4.0);
        assertThat(BenchmarkReport.median(List.of(), 7)).isEqualTo(7.0);
    }

    @Test
    void parameterisedResultsCompareWithTheBaselineOfTheSameParameters() {
        String table = BenchmarkReport.table(List.of(
                new BenchmarkReport.Row("dev.lanyard.benchmarks.M.baseline[attributes=3]", 10, 1, "ns/op", "avgt"),
                new BenchmarkReport.Row("dev.lanyard.benchmarks.M.baseline[attributes=20]", 40, 1, "ns/op", "avgt"),
                new BenchmarkReport.Row("dev.lanyard.benchmarks.M.resolve[attributes=3]", 20, 1, "ns/op", "avgt"),
                new BenchmarkReport.Row("dev.lanyard.benchmarks.M.resolve[attributes=20]", 60, 1, "ns/op", "avgt")));
        assertThat(table)
                .containsPattern("M\\.resolve\\[attributes=3\\] .* 2\\.00x")
                .containsPattern("M\\.resolve\\[attributes=20\\] .* 1\\.50x");
    }
}
