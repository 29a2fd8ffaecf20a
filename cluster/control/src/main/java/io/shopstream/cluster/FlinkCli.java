package io.shopstream.cluster;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real {@code flink} command line (CliFrontend) against this cluster: run, stop, savepoint and the rest. */
public final class FlinkCli {

    private static final String SAVEPOINT = "Savepoint completed\\. Path: (\\S+)";

    private final ClusterProcesses processes;
    private final FlinkProcesses flink;
    private final Path repo;
    private final Path home;

    FlinkCli(ClusterProcesses processes, FlinkProcesses flink, Path repo, Path home) {
        this.processes = processes;
        this.flink = flink;
        this.repo = repo;
        this.home = home;
    }

    /** Runs {@code flink <args>} and returns its output; fails on a non-zero exit. */
    public String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ClusterProcesses.java()));
        cmd.addAll(flink.jvmOptions("cli"));
        cmd.add("-Dlog4j.configurationFile=" + flink.confDir().resolve("log4j-cli.properties").toUri());
        cmd.addAll(List.of("-cp", processes.classpath("flink"), "org.apache.flink.client.cli.CliFrontend"));
        cmd.addAll(Arrays.asList(args));
        Path out = Files.createTempFile(home.resolve("log"), "flink-cli-", ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("FLINK_CONF_DIR", flink.confDir().toString());
        Process p = pb.start();
        if (!p.waitFor(6, TimeUnit.MINUTES)) { // longer than client.timeout in flink-conf, so the CLI reports first
            p.destroyForcibly();
            throw new IllegalStateException("flink " + String.join(" ", args) + " did not finish");
        }
        String text = Files.readString(out);
        Files.deleteIfExists(out);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("flink " + String.join(" ", args) + " failed (exit " + p.exitValue() + "):\n" + text);
        }
        return text;
    }

    /** The job jar that {@code flink run} takes, built by {@code ./mvnw package}. */
    public Path jobJar(String job) throws IOException {
        Path target = repo.resolve("jobs").resolve(job).resolve("target");
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "shopstream-" + job + "-*-job.jar")) {
                for (Path jar : jars) {
                    return jar;
                }
            }
        }
        throw new IllegalStateException("No job jar for '" + job + "' in " + target + "; run ./mvnw -DskipTests package");
    }

    /** Submits a job detached with {@code flink run}; returns its job id. */
    public String submit(String job, List<String> flinkOptions, List<String> jobArgs) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("run", "-d"));
        args.addAll(flinkOptions);
        args.add(jobJar(job).toString());
        args.addAll(jobArgs);
        return find("JobID ([0-9a-f]{32})", run(args.toArray(String[]::new)), "flink run printed no job id");
    }

    /** Stops a job with a savepoint ({@code flink stop}); returns the savepoint path. */
    public String stopWithSavepoint(String jobId) throws IOException, InterruptedException {
        return find(SAVEPOINT, run("stop", "--savepointPath", savepoints(), jobId), "flink stop printed no savepoint path");
    }

    /** Triggers a savepoint of a running job ({@code flink savepoint}); returns its path. */
    public String savepoint(String jobId) throws IOException, InterruptedException {
        return find(SAVEPOINT, run("savepoint", jobId, savepoints()), "flink savepoint printed no path");
    }

    private String savepoints() {
        return home.resolve("data/savepoints").toUri().toString();
    }

    private static String find(String regex, String output, String otherwise) {
        Matcher m = Pattern.compile(regex).matcher(output);
        if (!m.find()) {
            throw new IllegalStateException(otherwise + ":\n" + output);
        }
        return m.group(1);
    }
}
