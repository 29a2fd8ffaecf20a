package io.shopstream.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopstream.common.config.ConfigException;
import io.shopstream.generator.GeneratorOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedded run's options: its own and the generator's, read in one pass. */
class EmbeddedOptionsTest {

    @Test
    void readsTheRunsAndTheGeneratorsOptionsTogether() {
        EmbeddedOptions o = EmbeddedOptions.parse("--jobs", "payments,enrich", "--checkpoint-interval", "500",
                "--state-backend", "hashmap", "--seed", "7", "--duration", "1 min");
        assertThat(o.jobs()).containsExactly("payments", "enrich");
        assertThat(o.checkpointInterval()).isEqualTo(Duration.ofMillis(500)); // a bare number is milliseconds
        assertThat(o.stateBackend()).isEqualTo("hashmap");
        assertThat(o.generator().seed()).isEqualTo(7);
        assertThat(o.duration()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aLiveDemoByDefault() {
        EmbeddedOptions o = EmbeddedOptions.parse();
        assertThat(o.generator().rate()).isEqualTo(200);
        assertThat(o.generator().events()).isZero();
        // 60 times as fast as the clock at 200 events/s: 300 ms of event time per event.
        assertThat(o.generator().eventTimeStepMs()).isEqualTo(300);
        assertThat(EmbeddedOptions.parse("--time-scale", "1", "--rate", "100").generator().eventTimeStepMs()).isEqualTo(10);
        assertThat(EmbeddedOptions.parse("--event-time-step", "7 ms").generator().eventTimeStepMs()).isEqualTo(7);
    }

    @Test
    void aMisspeltKeyFailsWithTheLikelyOne() {
        assertThatThrownBy(() -> EmbeddedOptions.parse("--evnts", "5"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Unknown option 'evnts': did you mean 'events'? (see --help)");
        assertThatThrownBy(() -> EmbeddedOptions.parse("--jobs", "enrich,sesions"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("did you mean 'sessions'?");
        assertThatThrownBy(() -> EmbeddedOptions.parse("--state-backend", "heap"))
                .hasMessage("Option 'state-backend' must be rocksdb or hashmap, got 'heap'");
        assertThatThrownBy(() -> EmbeddedOptions.parse("--partitions", "0"))
                .hasMessage("Option 'partitions' must be at least 1, got 0");
    }

    @Test
    void helpListsEveryOption() {
        String usage = EmbeddedOptions.usage();
        for (var option : EmbeddedOptions.ALL) {
            assertThat(usage).contains("--" + option.key() + " ");
        }
        List<String> keys = EmbeddedOptions.ALL.stream().map(o -> o.key()).toList();
        assertThat(keys).containsAll(GeneratorOptions.DATA.stream().map(o -> o.key()).toList()).doesNotHaveDuplicates();
    }
}
