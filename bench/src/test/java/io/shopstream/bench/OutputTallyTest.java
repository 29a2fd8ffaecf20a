package io.shopstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.model.CategoryStats;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Event;
import io.shopstream.common.model.EventType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The check of every Flink pass against the plain loop: what it must and must not notice. */
class OutputTallyTest {

    private static EnrichedEvent order(String id, long amount) {
        return EnrichedEvent.of(new Event(id, EventType.ORDER, "c-1", "p-1", 1, "o-" + id, amount, 1_000), null, null);
    }

    private static CategoryStats stats(String category, long orders, long revenue, int revision) {
        return new CategoryStats(category, 0, 60_000, 0, 0, orders, orders, revenue, 1, revision);
    }

    private static OutputTally.Figures tally(List<?> outputs) {
        OutputTally t = new OutputTally();
        outputs.forEach(t::add);
        return t.figures();
    }

    @Test
    void theOrderOfOutputsDoesNotMatterButALostOrDuplicatedOneDoes() {
        var a = order("e-1", 100);
        var b = order("e-2", 200);
        assertThat(tally(List.of(a, b))).isEqualTo(tally(List.of(b, a)));
        assertThat(tally(List.of(a))).isNotEqualTo(tally(List.of(a, b)));
        assertThat(tally(List.of(a, b, b))).isNotEqualTo(tally(List.of(a, b)));
        assertThat(tally(List.of(a, order("e-3", 200)))).isNotEqualTo(tally(List.of(a, b)));
    }

    @Test
    void aWindowCountsWithItsLatestRevisionAndLateEventsCountAsAccountedFor() {
        OutputTally t = new OutputTally();
        t.add(stats("books", 2, 300, 0));
        t.add(stats("books", 3, 450, 1)); // a late event updated the window
        t.add(stats("books", 2, 300, 0)); // an older revision arriving after changes nothing
        t.addLate(order("e-9", 50));

        // Another runner that found the same event too late for the window: the same events accounted for.
        OutputTally other = new OutputTally();
        other.add(stats("books", 2, 300, 0));
        other.addLate(order("e-8", 150));
        other.addLate(order("e-9", 50));

        assertThat(t.figures()).isEqualTo(new OutputTally.Figures(4, 500)).isEqualTo(other.figures());
    }
}
