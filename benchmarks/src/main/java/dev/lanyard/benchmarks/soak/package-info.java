/**
 * The soak and fault harness: two application nodes with the Lanyard filter on one local Redis
 * with AOF {@code everysec}, simulated shoppers over loopback, scheduled faults (app node restart,
 * Redis restart, Redis crash, Redis pause, Sentinel failover, database restart, and the network
 * faults: a Redis blackhole, latency, and a blackhole of the near cache's invalidation connections,
 * which puts the nodes on the near cache) and a closing table of what was lost. Run it with
 * {@code benchmarks/soak}; see {@code docs/performance.md}. Not a library: nothing here is API.
 */
package dev.lanyard.benchmarks.soak;
