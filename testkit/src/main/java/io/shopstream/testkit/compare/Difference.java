package io.shopstream.testkit.compare;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How two multisets of records differ: the records {@code expected} holds more often than {@code
 * actual} (missing: lost) and those {@code actual} holds more often (unexpected: duplicates or
 * wrong). Order does not count; see {@link KeyOrder} for that. Records are compared with {@code
 * equals}, so compare JSON text or records without their time fields ({@link TimeFields}).
 *
 * @param expected how many records were expected
 * @param actual how many records were found
 * @param missing each record missing from {@code actual}, as often as it is missing (expected's order)
 * @param unexpected each record too many in {@code actual}, as often as it is too many (actual's order)
 */
public record Difference<T>(int expected, int actual, List<T> missing, List<T> unexpected) {

    /** How many examples {@link #describe()} shows of each kind. */
    public static final int EXAMPLES = 5;

    public Difference {
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
    }

    /** Compares {@code expected} with {@code actual} as multisets. */
    public static <T> Difference<T> of(Collection<? extends T> expected, Collection<? extends T> actual) {
        Map<T, Integer> counts = new LinkedHashMap<>();
        expected.forEach(e -> counts.merge(e, 1, Integer::sum));
        actual.forEach(a -> counts.merge(a, -1, Integer::sum));
        List<T> missing = new ArrayList<>();
        List<T> unexpected = new ArrayList<>();
        counts.forEach((record, n) -> {
            for (int i = 0; i < Math.abs(n); i++) {
                (n > 0 ? missing : unexpected).add(record);
            }
        });
        return new Difference<>(expected.size(), actual.size(), missing, unexpected);
    }

    /** Whether both hold the same records, each as often. */
    public boolean none() {
        return missing.isEmpty() && unexpected.isEmpty();
    }

    /**
     * A readable summary, empty when there is no difference (so that {@code
     * assertThat(d.describe()).isEmpty()} prints it on failure).
     */
    public String describe() {
        if (none()) {
            return "";
        }
        return String.format(
                "expected %,d, actual %,d; %,d missing, e.g. %s; %,d unexpected (duplicates or wrong), e.g. %s",
                expected, actual, missing.size(), missing.stream().limit(EXAMPLES).toList(), unexpected.size(),
                unexpected.stream().limit(EXAMPLES).toList());
    }

    /** Up to {@code n} records that differ, each prefixed with {@code missing } or {@code unexpected }. */
    public List<String> examples(int n) {
        List<String> examples = new ArrayList<>();
        missing.stream().limit(n).forEach(m -> examples.add("missing " + m));
        unexpected.stream().limit(n - examples.size()).forEach(u -> examples.add("unexpected " + u));
        return examples;
    }

    @Override
    public String toString() {
        return none() ? "no difference (" + expected + " records)" : describe();
    }
}
