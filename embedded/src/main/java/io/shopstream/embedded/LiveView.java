package io.shopstream.embedded;

import io.shopstream.common.config.ShopOptions;
import io.shopstream.generator.ShopPublisher;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The embedded run's live view: inputs sent, job states, committed output counts, the newest outputs. */
final class LiveView {

    private LiveView() {}

    /** One view; {@code generatorNote} is appended to the generator's line ("(done)", a failure). */
    static String format(Duration elapsed, ShopPublisher.Progress p, String generatorNote, Map<String, String> jobStates,
            OutputWatcher watcher) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "---- %ds  generator: %,d events (%,.0f/s), %,d records in all%s%n",
                elapsed.toSeconds(), p.events(), p.eventsPerSecond(), p.records(), generatorNote));
        sb.append("     jobs:");
        jobStates.forEach((job, state) -> sb.append(' ').append(job).append(' ').append(state));
        sb.append(String.format("%n     committed:"));
        watcher.counts().forEach((topic, n) -> {
            if (n > 0 || isJobOutput(topic)) {
                sb.append(String.format(Locale.ROOT, " %s %,d", topic, n));
            }
        });
        sb.append(System.lineSeparator());
        // The newest of each output: two enriched events, then one of everything else.
        sample(sb, "enriched ", watcher.newest(ShopOptions.TOPIC_ENRICHED.defaultValue()), 2);
        sample(sb, "dlq      ", watcher.newest(ShopOptions.TOPIC_DLQ.defaultValue()), 1);
        sample(sb, "window   ", watcher.newest(ShopOptions.TOPIC_CATEGORY_STATS.defaultValue()), 1);
        sample(sb, "session  ", watcher.newest(ShopOptions.TOPIC_SESSIONS.defaultValue()), 1);
        sample(sb, "paid     ", watcher.newest(ShopOptions.TOPIC_ORDERS_PAID.defaultValue()), 1);
        sample(sb, "unpaid   ", watcher.newest(ShopOptions.TOPIC_ORDERS_UNPAID.defaultValue()), 1);
        sample(sb, "orphaned ", watcher.newest(ShopOptions.TOPIC_PAYMENTS_ORPHANED.defaultValue()), 1);
        return sb.toString();
    }

    private static void sample(StringBuilder sb, String label, List<String> newest, int lines) {
        for (String value : newest.subList(Math.max(0, newest.size() - lines), newest.size())) {
            sb.append("     ").append(label).append(abbreviate(value, 150)).append(System.lineSeparator());
        }
    }

    private static boolean isJobOutput(String topic) {
        return topic.equals(ShopOptions.TOPIC_ENRICHED.defaultValue()) || topic.equals(ShopOptions.TOPIC_DLQ.defaultValue());
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
