package io.shopstream.bench.cluster;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.flink.util.TimeUtils;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes a run's {@code cluster.md} (a fragment of the benchmark report) and its recovery chart. */
final class ClusterReport {

    static final String HEADING = "## End to end through Kafka, and recovery on this machine";
    static final String MARKDOWN = "cluster.md";
    static final String CHART = "recovery-timeline.png";

    private ClusterReport() {}

    static void write(RecoveryRun run) throws IOException {
        Path out = run.options().out();
        Files.createDirectories(out);
        chart(run, out.resolve(CHART));
        Files.writeString(out.resolve(MARKDOWN), markdown(run));
        System.out.println("Wrote " + out.resolve(MARKDOWN).toAbsolutePath() + " and " + CHART);
    }

    static String markdown(RecoveryRun run) {
        ClusterBenchOptions o = run.options();
        RecoveryScenario.Recovery r = run.recovery();
        Timeline.Window steady = run.steady();
        Timeline.Window whole = run.whole();
        String interval = TimeUtils.formatWithHighestUnit(o.checkpointInterval());
        StringBuilder md = new StringBuilder();
        md.append(HEADING).append("\n\n");
        md.append(String.format("`%s`, on %s.%n%n", o.commandLine(), run.machine()));

        md.append(String.format("**Cluster.** One Kafka broker (KRaft), one JobManager and %d TaskManagers with %d slots each,"
                        + " each its own JVM on 127.0.0.1, configured by `flink-conf/` (RocksDB, incremental checkpoints,"
                        + " heartbeats every 0.5 s, a TaskManager gone after two refused ones). `enrich` was submitted with `flink run -p %d`, so at most %d of the %d"
                        + " TaskManagers were busy and at least one was a standby. Exactly-once sinks (Kafka transactions);"
                        + " checkpoint interval **%s**, minimum pause between checkpoints %s (flink-conf's, capped at half"
                        + " the interval).%n%n",
                ClusterBenchOptions.TASK_MANAGERS, ClusterBenchOptions.SLOTS_PER_TASK_MANAGER, o.parallelism(),
                Math.min(o.parallelism(), ClusterBenchOptions.TASK_MANAGERS - 1), ClusterBenchOptions.TASK_MANAGERS, interval,
                TimeUtils.formatWithHighestUnit(run.minPause())));

        md.append(String.format("**Load.** %,d reference records (%,d customers, %,d products) loaded and read by enrich"
                        + " first; then %,d events offered at **%,.0f events/s** by one producer (acks=all, idempotent) to"
                        + " `shop.events` (4 partitions). No unknown references, duplicates or malformed records, so every"
                        + " event yields exactly one enriched record. A read_committed consumer on `shop.events.enriched`"
                        + " stamps each record when it becomes visible; latency = visible - sent, matched by eventId.%n%n",
                run.referenceRecords(), FeedData.CUSTOMERS, FeedData.PRODUCTS, o.events(), o.rate()));

        md.append("| output | records | throughput (records/s) | latency p50 | p99 | max |\n");
        md.append("|---|---:|---:|---:|---:|---:|\n");
        md.append(row(String.format("steady state: sent from %.1f s (after the feed's first %d checkpoints), visible before"
                + " the kill", run.steadyFromS(), RecoveryRun.WARM_UP_CHECKPOINTS), steady));
        md.append(row("whole run, the recovery included", whole));
        md.append(String.format("%nThroughput is records over the time from the first send to the last of them visible:"
                + " it equals the offered rate while the cluster keeps up (raise `--rate` to find the ceiling). "
                + "**Latency is dominated by the checkpoint interval:** exactly-once output is written in Kafka"
                + " transactions that commit only when a checkpoint completes, so a read_committed reader sees a record"
                + " up to one checkpoint period (interval, or pause, plus the checkpoint's own duration) after enrich"
                + " wrote it, half a period on average. Before the kill a checkpoint completed every %.1f s; checkpoints"
                + " took %,.0f ms on average (%,d completed in the run).%n%n",
                r.checkpointPeriodBeforeKillS(), run.checkpoints().meanDurationMs(), run.checkpoints().completed()));
        md.append(String.format("**Start-up**, on its own: `flink run` to every subtask RUNNING %.1f s; to the first enriched"
                        + " record visible %.1f s. In between, the reference data was loaded and read; the first event was sent"
                        + " %.1f s after `flink run`, and its output was visible with the first checkpoint after it.%n%n",
                run.startup().runningS(), run.startup().firstVisibleS(), run.startup().firstSentS()));

        int after = o.events() - run.sentBeforeKill();
        md.append(String.format("**Recovery.** %.1f s into the feed, after %,d events were sent and a checkpoint had"
                        + " completed, `kill -9` of %s (running %d of enrich's subtasks; subtasks per TaskManager before: %s);"
                        + " no replacement started. %s%n%n",
                run.killS(), run.sentBeforeKill(), r.victim(), r.victimSubtasks(), hosts(r.subtasksBefore()),
                after > 0 ? String.format("The remaining %,d events kept coming at the same rate.", after)
                        : "The feed had already ended (a short run); more `--events` keep it flowing through the recovery."));
        md.append("| moment | seconds after the kill |\n|---|---:|\n");
        md.append(String.format("| failure detected (the job's first failure after the kill, in the JobManager's exception"
                + " history) | %.1f |%n", run.detectedS()));
        md.append(String.format("| every subtask RUNNING again, on the remaining TaskManagers (the JobManager's timestamp of"
                + " the last subtask's switch to RUNNING) | %.1f |%n", run.runningS()));
        md.append(String.format("| output caught up: every event sent before the kill visible | %s |%n", seconds(run.caughtUpS())));
        md.append(String.format("| latency of newly visible records under 2 x steady p99 (%,.0f ms) for good | %.1f |%n",
                run.latencyThresholdMs(), run.latencyBackS()));
        md.append(String.format("%nThe job restored checkpoint %s. Detection and restart are bounded by the heartbeat"
                        + " interval and the restart back-off in `flink-conf/config.yaml`; catching up adds the replay from"
                        + " the checkpoint and at least one more checkpoint, because only a checkpoint makes output visible.%n%n",
                run.checkpoints().restoredFrom() >= 0 ? String.valueOf(run.checkpoints().restoredFrom()) : "(unknown)"));

        md.append("**Target check:** ").append(run.targetCheck()).append(".\n\n");
        md.append("**No loss, no duplicates:** ").append(run.checkResult())
                .append(". Compared record for record with what `PlainEnrich` computes from the same topics.\n\n");
        md.append("![output records visible per second and latency around the kill](").append(CHART).append(")\n");
        return md.toString();
    }

    private static String row(String what, Timeline.Window w) {
        return String.format("| %s | %,d | %,.0f | %,.0f ms | %,.0f ms | %,.0f ms |%n", what, w.records(),
                w.throughputPerSecond(), w.p50Ms(), w.p99Ms(), w.maxMs());
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "never" : String.format("%.1f", s);
    }

    private static String hosts(Map<String, Integer> hosts) {
        return hosts.isEmpty() ? "unknown" : hosts.toString().replace("{", "").replace("}", "").replace("=", ": ");
    }

    /**
     * Records sent and visible per second and the latency of those visible (right axis), with the
     * kill, detection, restart and catch-up moments as vertical lines.
     */
    static void chart(RecoveryRun run, Path file) throws IOException {
        Timeline.PerSecond p = run.timeline().perSecond();
        XYChart chart = new XYChartBuilder().width(1000).height(540)
                .title(String.format("enrich on the local cluster: %,.0f events/s, checkpoint interval %s, kill -9 of %s",
                        run.options().rate(), TimeUtils.formatWithHighestUnit(run.options().checkpointInterval()),
                        run.recovery().victim()))
                .xAxisTitle("seconds since the first event was sent").yAxisTitle("records per second").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.setYAxisGroupTitle(1, "latency (s)");

        chart.getStyler().setYAxisMin(0, 0.0);
        chart.getStyler().setYAxisMin(1, 0.0);

        line(chart, "events sent per second", p.second(), p.sent(), 0, new Color(150, 150, 150), false);
        line(chart, "output records visible per second", p.second(), p.visible(), 0, new Color(31, 119, 180), false);
        // Markers too: a second with output between two without is a lone point, which no line shows.
        line(chart, "latency, max of the second (right axis)", p.second(), p.maxLatencyS(), 1, new Color(148, 103, 189), true);
        line(chart, "latency, median of the second (right axis)", p.second(), p.medianLatencyS(), 1, new Color(44, 160, 44), true);

        double top = Math.max(max(p.sent()), max(p.visible())) * 1.05;
        double first = run.timeline().firstSent();
        RecoveryScenario.Recovery r = run.recovery();
        marker(chart, "kill -9", (r.killedAt() - first) / 1e9, top, new Color(214, 39, 40));
        marker(chart, "failure detected", (r.detectedAt() - first) / 1e9, top, new Color(255, 127, 14));
        marker(chart, "all subtasks RUNNING", (r.runningAt() - first) / 1e9, top, new Color(140, 86, 75));
        if (!Double.isNaN(run.caughtUpS())) {
            marker(chart, "output caught up", (r.killedAt() - first) / 1e9 + run.caughtUpS(), top, new Color(23, 190, 207));
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void line(XYChart chart, String name, double[] x, double[] y, int axis, Color color, boolean markers) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setYAxisGroup(axis);
    }

    private static void marker(XYChart chart, String name, double x, double top, Color color) {
        XYSeries s = chart.addSeries(String.format("%s (%.1f s)", name, x), new double[] {x, x}, new double[] {0, top});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    }

    private static double max(double[] values) {
        return Arrays.stream(values).filter(v -> !Double.isNaN(v)).max().orElse(1);
    }
}
