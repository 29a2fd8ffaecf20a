package io.shopstream.common.json;

import io.shopstream.common.metrics.ShopMetrics;
import io.shopstream.common.model.DeadLetter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits decoded input into usable values (main output) and dead letters (side output),
 * counting both, so that records read = accepted + dead-lettered holds per input.
 */
public final class DeadLetterSplitter<T> extends ProcessFunction<Parsed<T>, T> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private transient Counter accepted;
    private transient Counter deadLettered;

    /** The usable values and the dead letters of one input. */
    public record Split<T>(DataStream<T> values, DataStream<DeadLetter> deadLetters) {}

    /** Splits {@code input}; {@code name} (e.g. "events") names the operator and its uid. */
    public static <T> Split<T> split(DataStream<Parsed<T>> input, String name, TypeInformation<T> valueType) {
        SingleOutputStreamOperator<T> values =
                input.process(new DeadLetterSplitter<T>(), valueType)
                        .name("Validate " + name)
                        .uid("validate-" + name);
        return new Split<>(values, values.getSideOutput(DEAD_LETTERS));
    }

    @Override
    public void open(OpenContext openContext) {
        accepted = ShopMetrics.counter(getRuntimeContext().getMetricGroup(), ShopMetrics.ACCEPTED);
        deadLettered = ShopMetrics.counter(getRuntimeContext().getMetricGroup(), ShopMetrics.DEAD_LETTERED);
    }

    @Override
    public void processElement(Parsed<T> parsed, Context ctx, Collector<T> out) {
        if (parsed.isOk()) {
            accepted.inc();
            out.collect(parsed.value);
        } else {
            deadLettered.inc();
            ctx.output(DEAD_LETTERS, parsed.deadLetter);
        }
    }
}
