package io.shopstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.model.EnrichedEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.configuration.ConfigOption;

/**
 * Where a windowing job (category-stats, sessions) writes, read back in a {@link JobTestbed}: its
 * results, keyed by {@code key}, and the events that were too late or from the future.
 *
 * @param results the option of the results' topic
 * @param late the option of the late events' topic
 * @param order the order in which results are compared (their topic order depends on timing)
 */
public record WindowOutput<T>(ConfigOption<String> results, ConfigOption<String> late, Class<T> type,
        Function<T, String> key, Comparator<T> order) {

    /** The committed results, each checked to be keyed by {@link #key}. */
    public List<T> results(JobTestbed bed, JobConfig config) {
        return bed.readKeyed(config.get(results), type, key);
    }

    /** The committed late events. */
    public List<EnrichedEvent> late(JobTestbed bed, JobConfig config) {
        return bed.read(config.get(late), EnrichedEvent.class);
    }

    /** {@code values} in {@link #order}. */
    public List<T> sorted(Collection<T> values) {
        List<T> list = new ArrayList<>(values);
        list.sort(order);
        return list;
    }

    /**
     * Asserts that the job wrote exactly the oracle's results and late events, and that the late
     * events are those of {@code lateIds} (sorted); returns the results.
     */
    public List<T> assertExactly(JobTestbed bed, JobConfig config, List<T> expected, List<EnrichedEvent> expectedLate,
            List<String> lateIds) {
        List<T> actual = results(bed, config);
        assertThat(EnrichedInput.ids(late(bed, config))).as("late events")
                .isEqualTo(EnrichedInput.ids(expectedLate))
                .containsExactlyElementsOf(lateIds);
        assertThat(sorted(actual)).isEqualTo(sorted(expected));
        return actual;
    }
}
