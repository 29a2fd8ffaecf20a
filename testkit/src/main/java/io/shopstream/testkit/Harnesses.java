package io.shopstream.testkit;

import io.shopstream.common.model.EnrichedEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

/** Driving the windowing jobs' operators in Flink's test harnesses: events in, output and side outputs out. */
public final class Harnesses {

    private Harnesses() {}

    /** Sends {@code event} as a record stamped with its event time. */
    public static void send(OneInputStreamOperatorTestHarness<EnrichedEvent, ?> harness, EnrichedEvent event)
            throws Exception {
        harness.processElement(event, event.ts());
    }

    /** The output values so far, sorted by {@code order}; the output is cleared. */
    public static <T> List<T> take(AbstractStreamOperatorTestHarness<T> harness, Comparator<? super T> order) {
        List<T> out = new ArrayList<>(harness.extractOutputValues());
        harness.getOutput().clear();
        out.sort(order);
        return out;
    }

    /** The values written to the side output {@code tag} so far (none when it was never written). */
    public static <T> List<T> sideOutput(AbstractStreamOperatorTestHarness<?> harness, OutputTag<T> tag) {
        ConcurrentLinkedQueue<StreamRecord<T>> records = harness.getSideOutput(tag);
        List<T> out = new ArrayList<>();
        if (records != null) {
            records.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    /** Moves {@code from}'s output into {@code to} in order, records and watermarks, as a forward connection does. */
    public static void forward(OneInputStreamOperatorTestHarness<EnrichedEvent, EnrichedEvent> from,
            OneInputStreamOperatorTestHarness<EnrichedEvent, ?> to) throws Exception {
        for (Object element : from.getOutput()) {
            if (element instanceof Watermark w) {
                to.processWatermark(w);
            } else if (element instanceof StreamRecord<?> r) {
                to.processElement(new StreamRecord<>((EnrichedEvent) r.getValue(), r.getTimestamp()));
            }
        }
        from.getOutput().clear();
    }
}
