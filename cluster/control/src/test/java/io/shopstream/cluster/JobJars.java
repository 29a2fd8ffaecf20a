package io.shopstream.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The job jars that {@code flink run} takes must be there and newer than what they are built
 * from (the job's sources and pom, and common's sources): a stale jar would test old code.
 */
final class JobJars {

    private JobJars() {}

    /** Fails naming every job whose jar is missing or older than one of its sources. */
    static void requireFresh(LocalCluster cluster, Path repo, List<String> jobs) throws IOException {
        List<String> problems = new ArrayList<>();
        for (String job : jobs) {
            Path jar;
            try {
                jar = cluster.cli().jobJar(job);
            } catch (IllegalStateException missing) {
                problems.add(missing.getMessage());
                continue;
            }
            FileTime built = Files.getLastModifiedTime(jar);
            Path newer = newestSource(repo.resolve("jobs").resolve(job), repo.resolve("common"));
            if (newer != null && Files.getLastModifiedTime(newer).compareTo(built) > 0) {
                problems.add(repo.relativize(jar) + " is older than " + repo.relativize(newer));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The chaos test runs the job jars; build them first (./mvnw -DskipTests"
                    + " package, or run the whole build): " + String.join("; ", problems));
        }
    }

    private static Path newestSource(Path... modules) throws IOException {
        Path newest = null;
        for (Path module : modules) {
            List<Path> files = new ArrayList<>(List.of(module.resolve("pom.xml")));
            try (Stream<Path> sources = Files.walk(module.resolve("src/main"))) {
                sources.filter(Files::isRegularFile).forEach(files::add);
            }
            for (Path f : files) {
                if (newest == null || Files.getLastModifiedTime(f).compareTo(Files.getLastModifiedTime(newest)) > 0) {
                    newest = f;
                }
            }
        }
        return newest;
    }
}
