package io.shopstream.cluster;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * A program some checks need beyond Java (Chromium, docker-compose). Missing, the check is
 * reported as skipped (a JUnit assumption) on a developer's machine, and fails under {@code
 * CI=true}, where bin/shopstream-test installs it.
 */
record RequiredTool(Path path, String what) {

    static final RequiredTool CHROMIUM = new RequiredTool(Path.of("/usr/bin/chromium"), "the web UI check in a browser");
    static final RequiredTool DOCKER_COMPOSE = new RequiredTool(Path.of("/usr/bin/docker-compose"), "`docker-compose config -q`");

    boolean installed() {
        return Files.isExecutable(path);
    }

    /** Continues only when the tool is installed: otherwise skips the test, or fails it under CI=true. */
    void require() {
        if (installed()) {
            return;
        }
        String message = path + " is not installed, so " + what + " cannot run (bin/shopstream-test installs it)";
        if ("true".equals(System.getenv("CI"))) {
            fail(message + "; CI=true requires it");
        }
        Assumptions.abort(message);
    }
}
