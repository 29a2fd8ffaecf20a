package io.shopstream.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's processes, each a JVM started from Maven-resolved jars and tracked by a PID file
 * under {@code <home>/pids}, so that separate command invocations can manage them. Output goes to
 * {@code <home>/log/<name>.out}.
 */
public final class ClusterProcesses {

    public static final String JOBMANAGER = "jobmanager";
    public static final String KAFKA = "kafka";
    public static final String TASKMANAGER_PREFIX = "taskmanager-";

    private final Path repo;
    private final Path home;

    ClusterProcesses(Path repo, Path home) {
        this.repo = repo;
        this.home = home;
    }

    /** Starts {@code cmd} in the background as the process {@code name}. */
    void start(String name, List<String> cmd) throws IOException {
        Files.createDirectories(home.resolve("pids"));
        Files.createDirectories(home.resolve("log"));
        Path out = home.resolve("log").resolve(name + ".out");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        Files.writeString(pidFile(name), Long.toString(p.pid()));
    }

    /** Runs {@code cmd} to its end, output to {@code out}; fails on a time-out or a non-zero exit. */
    static void run(List<String> cmd, Path out, Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(out.getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("Timed out: " + cmd.get(cmd.size() - 1) + "; see " + out);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("Failed (exit " + p.exitValue() + "): " + String.join(" ", cmd.subList(3, cmd.size()))
                    + "\n" + Files.readString(out));
        }
    }

    /** Kills a process with SIGKILL (kill -9); returns false if it was not running. */
    public boolean kill(String name) throws IOException {
        Optional<ProcessHandle> p = process(name);
        if (p.isEmpty()) {
            return false;
        }
        p.get().destroyForcibly();
        try {
            p.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Process " + name + " survived kill -9", e);
        }
        Files.deleteIfExists(pidFile(name));
        return true;
    }

    /** Stops every process (TaskManagers, JobManager, Kafka), politely then by force. */
    public void stopAll() throws IOException {
        List<String> names = names();
        names.sort((a, b) -> Integer.compare(order(a), order(b)));
        for (String name : names) {
            Optional<ProcessHandle> p = process(name);
            if (p.isPresent()) {
                p.get().destroy();
                try {
                    p.get().onExit().get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.get().destroyForcibly();
                }
            }
            Files.deleteIfExists(pidFile(name));
        }
    }

    private static int order(String name) {
        return name.startsWith(TASKMANAGER_PREFIX) ? 0 : name.equals(JOBMANAGER) ? 1 : 2;
    }

    /** Names of processes with a PID file, running or not, sorted. */
    public List<String> names() throws IOException {
        List<String> names = new ArrayList<>();
        Path pids = home.resolve("pids");
        if (Files.isDirectory(pids)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(pids, "*.pid")) {
                files.forEach(f -> names.add(f.getFileName().toString().replace(".pid", "")));
            }
        }
        names.sort(String::compareTo);
        return names;
    }

    /** The TaskManagers with a PID file, oldest first by number. */
    public List<String> taskManagers() throws IOException {
        return names().stream().filter(n -> n.startsWith(TASKMANAGER_PREFIX)).toList();
    }

    /** The next free TaskManager name, {@code taskmanager-N}. */
    String nextTaskManager() {
        int n = 1;
        while (Files.exists(pidFile(TASKMANAGER_PREFIX + n))) {
            n++;
        }
        return TASKMANAGER_PREFIX + n;
    }

    public Optional<ProcessHandle> process(String name) throws IOException {
        Path f = pidFile(name);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        long pid = Long.parseLong(Files.readString(f).trim());
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }

    public boolean isAlive(String name) throws IOException {
        return process(name).isPresent();
    }

    public long pid(String name) throws IOException {
        return process(name).map(ProcessHandle::pid).orElse(-1L);
    }

    private Path pidFile(String name) {
        return home.resolve("pids").resolve(name + ".pid");
    }

    /** The runtime classpath of {@code cluster/<dist>}, written by its Maven build. */
    String classpath(String dist) throws IOException {
        Path file = repo.resolve("cluster").resolve(dist).resolve("target/classpath.txt");
        if (!Files.exists(file)) {
            throw new IllegalStateException("Missing " + file + "; build with ./mvnw -DskipTests install");
        }
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The words of a line of JVM options. */
    static List<String> split(String line) {
        List<String> parts = new ArrayList<>();
        for (String s : line.trim().split("\\s+")) {
            if (!s.isEmpty()) {
                parts.add(s);
            }
        }
        return parts;
    }
}
