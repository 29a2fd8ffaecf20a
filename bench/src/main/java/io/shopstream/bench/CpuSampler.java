package io.shopstream.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples this process's CPU time (every thread: tasks, RocksDB's own threads, GC, JIT) every
 * 20 ms, so that a measurement can say how many cores it kept busy between two moments: whether
 * a job at parallelism 1 already used the whole machine decides what parallelism 2 can add.
 */
final class CpuSampler implements AutoCloseable {

    private static final long PERIOD_MS = 20;

    private record Sample(long wallMillis, long cpuNanos) {}

    private final com.sun.management.OperatingSystemMXBean os;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private CpuSampler(com.sun.management.OperatingSystemMXBean os) {
        this.os = os;
        this.thread = new Thread(this::run, "bench-cpu-sampler");
        thread.setDaemon(true);
    }

    /** This process's CPU time so far, or -1 where the JVM does not report it. */
    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : -1;
    }

    /** A running sampler, or null where the JVM does not report process CPU time. */
    static CpuSampler start() {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
                || os.getProcessCpuTime() < 0) {
            return null;
        }
        CpuSampler sampler = new CpuSampler(os);
        sampler.sample();
        sampler.thread.start();
        return sampler;
    }

    private void run() {
        while (running) {
            sample();
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        Sample s = new Sample(System.currentTimeMillis(), os.getProcessCpuTime());
        synchronized (samples) {
            samples.add(s);
        }
    }

    /**
     * Cores busy on average from {@code fromMillis} to {@code toMillis} (wall clock): CPU time
     * used in that span, read between samples by linear interpolation, divided by its length.
     */
    double coresBusy(long fromMillis, long toMillis) {
        sample();
        if (toMillis <= fromMillis) {
            return Double.NaN;
        }
        return (cpuAt(toMillis) - cpuAt(fromMillis)) / 1e6 / (toMillis - fromMillis);
    }

    private double cpuAt(long millis) {
        synchronized (samples) {
            Sample before = samples.get(0);
            for (Sample s : samples) {
                if (s.wallMillis() >= millis) {
                    if (s.wallMillis() == before.wallMillis()) {
                        return s.cpuNanos();
                    }
                    double f = (double) (millis - before.wallMillis()) / (s.wallMillis() - before.wallMillis());
                    return before.cpuNanos() + f * (s.cpuNanos() - before.cpuNanos());
                }
                before = s;
            }
            return before.cpuNanos();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
