package io.shopstream.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopstream.common.config.ConfigException;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.JobHooks;
import io.shopstream.common.job.ShopJob;
import io.shopstream.enrich.EnrichJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The suite's list of jobs, and the shape every job on it has. */
class SuiteJobsTest {

    static final List<ShopJob> JOBS = SuiteJobs.ALL;

    @Test
    void theListHasEveryJobOnceByName() {
        assertThat(SuiteJobs.names()).containsExactly("enrich", "category-stats", "sessions", "payments");
        assertThat(SuiteJobs.named("sessions").displayName()).isEqualTo("ShopStream sessions");
        assertThat(SuiteJobs.list("payments, enrich,payments")).extracting(ShopJob::name)
                .containsExactly("payments", "enrich");
    }

    @Test
    void eachJobsOwnOptionsAreUnderItsNameAndKnownAsAJobPrefix() {
        assertThat(ShopOptions.JOB_PREFIXES).containsExactlyElementsOf(
                SuiteJobs.names().stream().map(name -> name + ".").toList());
        assertThat(JOBS).allSatisfy(job -> assertThat(job.options()).isNotEmpty()
                .allSatisfy(option -> assertThat(option.key()).startsWith(job.name() + ".")));
        assertThat(JOBS).allSatisfy(job -> assertThat(ShopOptions.ALL).doesNotContainAnyElementsOf(job.options()));
    }

    @Test
    void aMisspeltJobNameFailsWithTheLikelyOne() {
        assertThatThrownBy(() -> SuiteJobs.named("enrihc"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Unknown job 'enrihc': did you mean 'enrich'? The suite's jobs are"
                        + " [enrich, category-stats, sessions, payments].");
        assertThatThrownBy(() -> SuiteJobs.list(" , "))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("No job named in ' , '");
    }

    /**
     * Savepoints map state to operators by uid: renaming a topic must not change any uid, and
     * every operator has a uid and a readable name.
     */
    @ParameterizedTest
    @FieldSource("JOBS")
    void uidsDoNotDependOnTopicNames(ShopJob job) {
        Map<String, String> defaults = uidsToNames(job);
        List<String> renamed = new ArrayList<>();
        for (ConfigOption<?> option : ShopOptions.ALL) {
            if (option.key().startsWith("topics.")) {
                renamed.add("--" + option.key());
                renamed.add("renamed." + option.defaultValue());
            }
        }
        Map<String, String> withRenamedTopics = uidsToNames(job, renamed.toArray(String[]::new));

        assertThat(withRenamedTopics.keySet()).isEqualTo(defaults.keySet());
        assertThat(defaults).allSatisfy((uid, name) -> assertThat(name).as("name of " + uid).isNotBlank());
        assertThat(withRenamedTopics.values()).anyMatch(name -> name.contains("renamed."));
        job.topics().inputs().forEach(topic -> assertThat(defaults).containsKey("source-" + topic.defaultValue()));
        job.topics().outputs().forEach(topic -> assertThat(defaults).containsKey("sink-" + topic.defaultValue()));
    }

    @Test
    void aTapIsPlacedAtItsPointAndAMisspeltPointFails() {
        JobHooks.Tap marker = new JobHooks.Tap() {
            @Override
            public <T> DataStream<T> apply(DataStream<T> stream) {
                return stream.filter(x -> true).name("Tapped").uid("tapped");
            }
        };
        assertThat(uidsToNames(EnrichJob.JOB, JobHooks.NONE.tap(EnrichJob.TAP_ENRICHED, marker)))
                .containsEntry("tapped", "Tapped");
        assertThatThrownBy(() -> uidsToNames(EnrichJob.JOB, JobHooks.NONE.tap("enriched-events", marker)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Job 'enrich' has no tap point 'enriched-events'");
    }

    private static Map<String, String> uidsToNames(ShopJob job, String... args) {
        return uidsToNames(job, JobHooks.NONE, args);
    }

    private static Map<String, String> uidsToNames(ShopJob job, JobHooks hooks, String... args) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        job.build(env, job.config(args), hooks);
        Map<String, String> uids = new TreeMap<>();
        for (StreamNode node : env.getStreamGraph().getStreamNodes()) {
            if (node.getTransformationUID() != null) {
                uids.put(node.getTransformationUID(), node.getOperatorName());
            }
        }
        return uids;
    }
}
