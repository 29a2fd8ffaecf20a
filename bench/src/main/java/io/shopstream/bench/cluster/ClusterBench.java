package io.shopstream.bench.cluster;

import io.shopstream.common.config.CommandLine;

/**
 * {@code bin/shopstream-bench cluster}: on the local cluster (a Kafka broker, a JobManager and
 * three TaskManagers, each its own process), feeds events at a fixed rate through the enrich job
 * and measures throughput and end-to-end latency as a read_committed consumer sees them; kills the
 * TaskManager running enrich with {@code kill -9} mid-feed and times the recovery on the standby
 * ({@link RecoveryScenario}), or times enrich catching up a backlog against PlainEnrich ({@link
 * CeilingScenario}); checks the output against {@link io.shopstream.enrich.PlainEnrich}; writes
 * {@code cluster.md} and {@code recovery-timeline.png}, or {@code cluster-ceiling.md}.
 */
public final class ClusterBench {

    private ClusterBench() {}

    public static void main(String[] args) throws Exception {
        CommandLine.exitOnError("shopstream-bench cluster", () -> {
            if (CommandLine.wantsHelp(args)) {
                System.out.println(ClusterBenchOptions.usage());
                return;
            }
            ClusterBenchOptions options = ClusterBenchOptions.parse(args);
            if (!measure(options).check().exact()) {
                System.exit(1);
            }
        });
    }

    /** What a scenario found; every scenario ends with the comparison against PlainEnrich. */
    sealed interface Outcome permits RecoveryRun, CeilingRun {
        OutputCheck check();
    }

    /** Runs the scenario of {@code options} on a fresh cluster in {@code options.home()}; always stops it. */
    static Outcome measure(ClusterBenchOptions options) throws Exception {
        try (BenchCluster bench = BenchCluster.start(options)) {
            return options.ceiling() ? CeilingScenario.run(bench) : RecoveryScenario.run(bench);
        }
    }
}
