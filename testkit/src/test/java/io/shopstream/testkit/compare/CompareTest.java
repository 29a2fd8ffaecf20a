package io.shopstream.testkit.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.json.Json;
import io.shopstream.common.model.CategoryStats;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.DeadLetterReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The comparison library's exact results, including the differences it must report. */
class CompareTest {

    @Test
    void equalMultisetsInAnotherOrderHaveNoDifference() {
        Difference<String> d = Difference.of(List.of("a", "b", "b", "c"), List.of("b", "c", "b", "a"));
        assertThat(d.none()).isTrue();
        assertThat(d.describe()).isEmpty();
        assertThat(d.missing()).isEmpty();
        assertThat(d.unexpected()).isEmpty();
        assertThat(d.toString()).isEqualTo("no difference (4 records)");
    }

    @Test
    void aLostRecordAndADuplicateAreReportedWithTheirCounts() {
        Difference<String> d = Difference.of(List.of("a", "b", "b", "c"), List.of("a", "b", "c", "c", "c", "x"));
        assertThat(d.none()).isFalse();
        assertThat(d.expected()).isEqualTo(4);
        assertThat(d.actual()).isEqualTo(6);
        assertThat(d.missing()).containsExactly("b");
        assertThat(d.unexpected()).containsExactly("c", "c", "x");
        assertThat(d.describe()).isEqualTo(
                "expected 4, actual 6; 1 missing, e.g. [b]; 3 unexpected (duplicates or wrong), e.g. [c, c, x]");
        assertThat(d.examples(2)).containsExactly("missing b", "unexpected c");
    }

    @Test
    void describeShowsAtMostFiveExamplesOfEachKind() {
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            expected.add(i);
        }
        Difference<Integer> d = Difference.of(expected, List.of());
        assertThat(d.missing()).hasSize(8);
        assertThat(d.describe()).isEqualTo(
                "expected 8, actual 0; 8 missing, e.g. [0, 1, 2, 3, 4]; 0 unexpected (duplicates or wrong), e.g. []");
    }

    @Test
    void perKeyOrderGroupsInOrderAndFindsTheFirstSwap() {
        List<String> expected = List.of("c1:1", "c2:1", "c1:2", "c2:2", "c1:3");
        List<String> sameOrderPerKey = List.of("c2:1", "c2:2", "c1:1", "c1:2", "c1:3");
        List<String> swapped = List.of("c1:1", "c1:3", "c2:1", "c1:2", "c2:2");
        assertThat(KeyOrder.perKey(expected, CompareTest::customer))
                .isEqualTo(Map.of("c1", List.of("c1:1", "c1:2", "c1:3"), "c2", List.of("c2:1", "c2:2")));
        assertThat(KeyOrder.difference(expected, sameOrderPerKey, CompareTest::customer)).isEmpty();
        assertThat(KeyOrder.difference(expected, swapped, CompareTest::customer))
                .isEqualTo("key c1: 3 expected, 3 actual, first difference at #1: expected c1:2, actual c1:3");
        assertThat(KeyOrder.difference(expected, expected.subList(0, 4), CompareTest::customer))
                .isEqualTo("key c1: 3 expected, 2 actual, first difference at #2: expected c1:3, actual nothing");
    }

    @Test
    void aJsonFieldIsAKey() {
        assertThat(KeyOrder.jsonField("customerId").apply("{\"customerId\":\"c-7\",\"n\":1}")).isEqualTo("c-7");
        assertThat(KeyOrder.jsonField("customerId").apply("{\"n\":1}")).isEmpty();
    }

    @Test
    void deadLettersWithoutTheirTimeAreEqualAcrossRuns() {
        DeadLetter first = letter(1_000L);
        DeadLetter second = letter(2_000L);
        assertThat(first).isNotEqualTo(second);
        assertThat(TimeFields.withoutTime(first)).isEqualTo(TimeFields.withoutTime(second));
        assertThat(TimeFields.withoutTime(first).deadLetteredAt()).isZero();
        assertThat(TimeFields.withoutTime(Json.writeString(second))).isEqualTo(TimeFields.withoutTime(first));
        assertThat(TimeFields.withoutTime(List.of(second, first))).containsExactly(
                Json.writeString(TimeFields.withoutTime(first)), Json.writeString(TimeFields.withoutTime(first)));
        // Anything else that differs still shows.
        DeadLetter other = new DeadLetter(DeadLetterReason.MALFORMED_JSON, "bad", "shop.events", 1, 8, "k", "{", null,
                "enrich", 1_000L);
        assertThat(TimeFields.withoutTime(other)).isNotEqualTo(TimeFields.withoutTime(first));
    }

    @Test
    void theFinalRevisionIsTheHighestPerWindowAndTheLastOfEqualOnes() {
        CategoryStats books0 = stats("books", 0, 1, 0);
        CategoryStats books2 = stats("books", 0, 3, 2);
        CategoryStats books1 = stats("books", 0, 2, 1);
        CategoryStats toys0 = stats("toys", 0, 5, 0);
        CategoryStats toysAgain0 = stats("toys", 0, 1, 0);
        CategoryStats booksNext = stats("books", 60_000, 4, 0);
        List<CategoryStats> topic = List.of(books0, toys0, books2, books1, booksNext, toysAgain0);
        assertThat(FinalRevisions.of(topic)).containsExactly(
                Map.entry("books|0", books2), Map.entry("books|60000", booksNext), Map.entry("toys|0", toysAgain0));
        assertThat(FinalRevisions.eventsCounted(topic)).isEqualTo(3 + 4 + 1);
        assertThat(FinalRevisions.totals(topic)).containsExactly(
                Json.writeString(stats("books", 0, 3, 0)), Json.writeString(stats("books", 60_000, 4, 0)),
                Json.writeString(toysAgain0));
    }

    @Test
    void aReplayFeedsEveryTargetTheSameEventsAndRisingWatermarksThenTheEnd() {
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        ArrivalReplay.Target<Long> a = ArrivalReplay.of((e, future) -> first.add(e + (future ? "F" : "")),
                w -> first.add("w" + w));
        ArrivalReplay.Target<Long> b = ArrivalReplay.of((e, future) -> second.add(e + (future ? "F" : "")),
                w -> second.add("w" + w));
        long now = 1_000_000L;
        List<List<Long>> partitions = List.of(List.of(100L, 300L, 2_000_000L), List.of(200L));
        ArrivalReplay.replay(partitions, t -> t, Duration.ofMillis(10), Duration.ofMillis(5), now, List.of(a, b));
        // Partitions round-robin; the watermark is the minimum over partitions with data of max - 10 - 1:
        // until every partition with data has delivered, the watermark is as low as it goes.
        assertThat(first).containsExactly("100", "w" + Long.MIN_VALUE, "200", "w89", "300", "w189", "2000000F", "w189",
                "w" + Long.MAX_VALUE);
        assertThat(second).isEqualTo(first);
    }

    private static DeadLetter letter(long at) {
        return new DeadLetter(DeadLetterReason.MALFORMED_JSON, "bad", "shop.events", 0, 7, "k", "{", null, "enrich",
                at);
    }

    private static CategoryStats stats(String category, long start, long views, int revision) {
        return new CategoryStats(category, start, start + 60_000, views, 0, 0, 0, 0, 1, revision);
    }

    /** The key of the test's "customer:n" records. */
    private static String customer(String record) {
        return record.substring(0, record.indexOf(':'));
    }
}
