package io.shopstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A figure of at least a given time: rounds until their measured time adds up to it. */
class MeasurementsTest {

    @Test
    void roundsRunUntilTheirMeasuredTimeReachesTheLeastAndTheFigureIsOverAllOfThem() throws Exception {
        // 4 s at 100/s, 4 s at 200/s, 4 s at 300/s: 12 s, 2,400 inputs.
        Iterator<Measurements.Run> rounds = List.of(round(100, 1.0, 4), round(200, 2.0, 4), round(300, 1.5, 4),
                round(1_000_000, 2.0, 4)).iterator();
        Measurements.Run figure = Measurements.atLeast(Duration.ofSeconds(10), rounds::next);

        assertThat(figure.rounds()).isEqualTo(3);
        assertThat(figure.seconds()).isEqualTo(12);
        assertThat(figure.eventsPerSecond()).isCloseTo(200, within(1e-9));
        assertThat(figure.coresBusy()).isCloseTo(1.5, within(1e-9));
        assertThat(rounds.next().eventsPerSecond()).isEqualTo(1_000_000); // the fourth round never ran
    }

    @Test
    void withoutALeastTimeAFigureIsOneRound() throws Exception {
        Iterator<Measurements.Run> rounds = List.of(round(100, 1.0, 0.5), round(200, 1.0, 0.5)).iterator();
        Measurements.Run figure = Measurements.atLeast(Duration.ZERO, rounds::next);

        assertThat(figure.rounds()).isEqualTo(1);
        assertThat(figure.eventsPerSecond()).isCloseTo(100, within(1e-9));
    }

    private static Measurements.Run round(double eventsPerSecond, double cores, double seconds) {
        return new Measurements.Run(eventsPerSecond, cores, null, seconds);
    }
}
