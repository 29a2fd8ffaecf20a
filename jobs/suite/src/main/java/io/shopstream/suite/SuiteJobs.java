package io.shopstream.suite;

import io.shopstream.categorystats.CategoryStatsJob;
import io.shopstream.common.config.CommandLine;
import io.shopstream.common.config.ConfigException;
import io.shopstream.common.job.JobSetup;
import io.shopstream.common.job.ShopJob;
import io.shopstream.enrich.EnrichJob;
import io.shopstream.payments.PaymentsJob;
import io.shopstream.sessions.SessionsJob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The suite's jobs: the one list that the embedded run, the cluster CLI and the benchmarks read.
 * Add a job here (and a module under {@code jobs/}) and every one of them knows it.
 */
public final class SuiteJobs {

    /** Every job, in the order they feed each other. */
    public static final List<ShopJob> ALL =
            List.of(EnrichJob.JOB, CategoryStatsJob.JOB, SessionsJob.JOB, PaymentsJob.JOB);

    private SuiteJobs() {}

    /** Runs one job's main by name: {@code <job> [--key value]... [-Dkey=value]...} ({@code bin/shopstream-job}). */
    public static void main(String[] args) throws Exception {
        CommandLine.exitOnError("shopstream-job", () -> {
            if (args.length == 0) {
                throw new ConfigException("Name a job first: one of " + names() + ".");
            }
            JobSetup.main(named(args[0]), Arrays.copyOfRange(args, 1, args.length));
        });
    }

    /** The jobs' names, in {@link #ALL}'s order. */
    public static List<String> names() {
        return ALL.stream().map(ShopJob::name).toList();
    }

    /** The job called {@code name}; an unknown name fails naming the suite's jobs (and the likely one). */
    public static ShopJob named(String name) {
        for (ShopJob job : ALL) {
            if (job.name().equals(name)) {
                return job;
            }
        }
        String best = CommandLine.closest(name, names());
        throw new ConfigException("Unknown job '" + name + "'"
                + (best != null ? ": did you mean '" + best + "'?" : "") + " The suite's jobs are " + names() + ".");
    }

    /** The jobs of a comma-separated list of names ({@code enrich,sessions}), in the list's order. */
    public static List<ShopJob> list(String names) {
        List<ShopJob> jobs = new ArrayList<>();
        for (String name : names.split(",")) {
            if (!name.isBlank()) {
                ShopJob job = named(name.trim());
                if (!jobs.contains(job)) {
                    jobs.add(job);
                }
            }
        }
        if (jobs.isEmpty()) {
            throw new ConfigException("No job named in '" + names + "'. The suite's jobs are " + names() + ".");
        }
        return List.copyOf(jobs);
    }
}
