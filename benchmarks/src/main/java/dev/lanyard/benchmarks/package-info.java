/**
 * JMH benchmarks of Lanyard, each next to the physical floor it builds on (a method named
 * {@code baseline} in the same class, measured in the same run), and {@link
 * dev.lanyard.benchmarks.BenchmarkReport}, which prints the ratio table. Run with
 * {@code benchmarks/run}; see {@code docs/performance.md}. Not a library: nothing here is API.
 */
package dev.lanyard.benchmarks;
