package io.shopstream.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The one wait: it ends as soon as the condition holds, and fails at the deadline saying what it waited for. */
class AwaitTest {

    @Test
    void returnsTheFirstValueThatSatisfiesTheCondition() {
        AtomicInteger probes = new AtomicInteger();
        int value = Await.value(probes::incrementAndGet, n -> n >= 3, Duration.ofSeconds(10), "three probes");
        assertThat(value).isEqualTo(3);
        assertThat(probes).hasValue(3);
    }

    @Test
    void failsAtTheDeadlineNamingWhatItWaitedForAndTheLastValue() {
        assertThatThrownBy(() -> Await.value(() -> "not yet", "done"::equals, Duration.ofMillis(300), "the answer"))
                .isInstanceOf(Await.TimedOut.class)
                .hasMessage("Timed out after 300 ms waiting for the answer; last seen: not yet");
    }

    @Test
    void aConditionThatHoldsAtOnceIsAskedOnce() {
        AtomicInteger probes = new AtomicInteger();
        Await.until(() -> probes.incrementAndGet() > 0, Duration.ofSeconds(10), "nothing");
        assertThat(probes).hasValue(1);
    }
}
