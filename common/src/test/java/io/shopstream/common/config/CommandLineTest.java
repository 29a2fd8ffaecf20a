package io.shopstream.common.config;

import static org.apache.flink.configuration.ConfigOptions.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/** The suite's one command-line reader: syntax, Flink's value rules, and its one error style. */
class CommandLineTest {

    static final ConfigOption<Integer> PARTITIONS =
            key("partitions").intType().defaultValue(4).withDescription("Partitions of each topic.");
    static final ConfigOption<Duration> MAX_WAIT =
            key("enrich.max-wait").durationType().defaultValue(Duration.ofSeconds(30)).withDescription("How long.");
    static final ConfigOption<String> NAME = key("name").stringType().noDefaultValue().withDescription("A name.");
    static final List<ConfigOption<?>> OPTIONS = List.of(PARTITIONS, MAX_WAIT, NAME);

    @Test
    void readsEveryArgumentFormAndRecordsWhereEachCameFrom() {
        CommandLine.Parsed parsed =
                CommandLine.parse(OPTIONS, "--partitions", "8", "--enrich.max-wait=5 s", "-Dname=shop");

        assertThat(parsed.get(PARTITIONS)).isEqualTo(8);
        assertThat(parsed.get(MAX_WAIT)).isEqualTo(Duration.ofSeconds(5));
        assertThat(parsed.get(NAME)).isEqualTo("shop");
        assertThat(parsed.sources()).containsEntry("partitions", "argument").containsEntry("name", "-D");
        assertThat(parsed.isSet(MAX_WAIT)).isTrue();
    }

    @Test
    void aBareNumberForADurationIsMillisecondsAsInFlink() {
        assertThat(CommandLine.parse(OPTIONS, "--enrich.max-wait", "30").get(MAX_WAIT)).isEqualTo(Duration.ofMillis(30));
    }

    @Test
    void aMisspeltKeyFailsWithOneMessageAndASuggestion() {
        assertThatThrownBy(() -> CommandLine.parse(OPTIONS, "--enrich.max-wiat", "5 s"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Unknown option 'enrich.max-wiat': did you mean 'enrich.max-wait'? (see --help)");
        assertThatThrownBy(() -> CommandLine.parse(OPTIONS, "--colour", "red"))
                .hasMessage("Unknown option 'colour'. Known options: partitions, enrich.max-wait, name. (see --help)");
    }

    @Test
    void aBadValueNamesTheKeyAndTheDefault() {
        assertThatThrownBy(() -> CommandLine.parse(OPTIONS, "--partitions", "many"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid value 'many' for 'partitions' (default 4): ");
        assertThatThrownBy(() -> CommandLine.parse(OPTIONS, "--enrich.max-wait", "soon"))
                .hasMessageStartingWith("Invalid value 'soon' for 'enrich.max-wait' (default 30 s): ");
        assertThatThrownBy(() -> CommandLine.parse(OPTIONS, "--name", " "))
                .hasMessage("Option 'name' must not be empty");
        assertThatThrownBy(() -> CommandLine.parse(OPTIONS, "--partitions"))
                .hasMessage("Missing value after '--partitions'");
    }

    @Test
    void positionalWordsAreKeptOnlyWhenAsked() {
        assertThat(CommandLine.parseCommand(OPTIONS, "submit", "enrich", "--partitions", "2").positional())
                .containsExactly("submit", "enrich");
        assertThatThrownBy(() -> CommandLine.parse(OPTIONS, "enrich"))
                .hasMessage("Unexpected argument 'enrich': options are given as --key value (see --help)");
    }

    @Test
    void theUsageListsEveryOptionWithItsDefault() {
        String usage = CommandLine.usage("tool [--key value]...", OPTIONS);
        assertThat(usage).startsWith("Usage: tool [--key value]...")
                .contains("--partitions", "default 4", "Partitions of each topic.")
                .contains("--enrich.max-wait", "default 30 s")
                .contains("--name", "default (none)");
        assertThat(CommandLine.wantsHelp("--partitions", "2", "-h")).isTrue();
        assertThat(CommandLine.wantsHelp("--partitions", "2")).isFalse();
    }
}
