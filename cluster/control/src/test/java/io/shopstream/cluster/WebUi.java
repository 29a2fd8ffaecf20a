package io.shopstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks at the Flink web UI the way a person does: Debian's Chromium, headless, renders the
 * dashboard's "Running Jobs" page; the rendered DOM is checked and a screenshot kept.
 */
final class WebUi {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private WebUi() {}

    static boolean chromiumInstalled() {
        return Files.isExecutable(CHROMIUM);
    }

    /** Asserts that every job name is listed on the Running Jobs page with status RUNNING. */
    static void assertJobsListedAsRunning(String restUrl, List<String> jobNames, Path screenshot)
            throws IOException, InterruptedException {
        String url = restUrl + "/#/job/running";
        String dom = chromium(url, "--dump-dom");
        List<String> rows = new ArrayList<>();
        Matcher m = Pattern.compile("<tr[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(dom);
        while (m.find()) {
            rows.add(m.group(1).replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").trim());
        }
        for (String name : jobNames) {
            assertThat(rows).as("rows of the Running Jobs page").anySatisfy(row -> {
                assertThat(row).contains(name);
                assertThat(row).contains("RUNNING");
            });
        }
        Files.createDirectories(screenshot.getParent());
        chromium(url, "--screenshot=" + screenshot.toAbsolutePath());
        assertThat(screenshot).isNotEmptyFile();
    }

    /** Runs Chromium once more if a run hangs (seen on a machine loaded far beyond its cores). */
    private static String chromium(String url, String mode) throws IOException, InterruptedException {
        try {
            return chromiumOnce(url, mode);
        } catch (IllegalStateException hung) {
            return chromiumOnce(url, mode);
        }
    }

    private static String chromiumOnce(String url, String mode) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> cmd = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--no-first-run", "--user-data-dir=" + profile, "--window-size=1400,900",
                "--virtual-time-budget=6000", mode, url);
        Path out = Files.createTempFile("chromium", ".out");
        Process p = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException("Chromium did not finish rendering " + url);
        }
        String text = Files.readString(out);
        Files.deleteIfExists(out);
        return text;
    }
}
