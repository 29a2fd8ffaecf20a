package io.shopstream.bench;

import io.shopstream.common.job.ShopJob;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every measured figure, per job, runner ("plain", "HEAP", "ROCKSDB") and parallelism, and the
 * input records one pass of each job reads.
 */
final class Results {

    record Stats(double mean, double stdev, double min, double max, int runs) {}

    /** Every figure, by job, runner and parallelism ({@link #key}). */
    private final Map<String, List<Measurements.Run>> runs = new LinkedHashMap<>();
    private final Map<ShopJob, Integer> inputs = new HashMap<>();

    void input(ShopJob job, int records) {
        inputs.put(job, records);
    }

    int input(ShopJob job) {
        Integer records = inputs.get(job);
        if (records == null) {
            throw new IllegalArgumentException("no input size for " + job);
        }
        return records;
    }

    void add(ShopJob job, String runner, int parallelism, double eventsPerSecond) {
        add(job, runner, parallelism, new Measurements.Run(eventsPerSecond, Double.NaN));
    }

    void add(ShopJob job, String runner, int parallelism, Measurements.Run run) {
        runs.computeIfAbsent(key(job, runner, parallelism), k -> new ArrayList<>()).add(run);
    }

    private static String key(ShopJob job, String runner, int parallelism) {
        return job + "/" + runner + "/" + parallelism;
    }

    private List<Measurements.Run> runs(ShopJob job, String runner, int parallelism) {
        return runs.getOrDefault(key(job, runner, parallelism), List.of());
    }

    /** Mean cores busy over the runs that measured them, or NaN when none did. */
    double coresBusy(ShopJob job, String runner, int parallelism) {
        return runs(job, runner, parallelism).stream().mapToDouble(Measurements.Run::coresBusy)
                .filter(cores -> !Double.isNaN(cores)).average().orElse(Double.NaN);
    }

    /**
     * How long the figures' measurements were, as "10.3 – 12.1 s, 3 – 4 rounds" (one number where
     * they agree), or a dash when their time is not known.
     */
    String lengths(ShopJob job, String runner, int parallelism) {
        List<Measurements.Run> v = runs(job, runner, parallelism);
        if (v.isEmpty() || v.stream().anyMatch(run -> Double.isNaN(run.seconds()))) {
            return "–";
        }
        double shortest = v.stream().mapToDouble(Measurements.Run::seconds).min().orElseThrow();
        double longest = v.stream().mapToDouble(Measurements.Run::seconds).max().orElseThrow();
        int fewest = v.stream().mapToInt(Measurements.Run::rounds).min().orElseThrow();
        int most = v.stream().mapToInt(Measurements.Run::rounds).max().orElseThrow();
        String seconds = String.format("%.1f", shortest).equals(String.format("%.1f", longest))
                ? String.format("%.1f s", shortest) : String.format("%.1f – %.1f s", shortest, longest);
        String rounds = fewest == most ? String.valueOf(fewest) : fewest + " – " + most;
        return seconds + ", " + rounds + (most == 1 ? " round" : " rounds");
    }

    Stats stats(ShopJob job, String runner, int parallelism) {
        List<Double> v = runs(job, runner, parallelism).stream().map(Measurements.Run::eventsPerSecond).toList();
        if (v.isEmpty()) {
            throw new IllegalArgumentException("no measurement for " + job + " " + runner + " p" + parallelism);
        }
        double mean = v.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double var = v.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / Math.max(1, v.size() - 1);
        return new Stats(mean, Math.sqrt(var), v.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                v.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), v.size());
    }
}
