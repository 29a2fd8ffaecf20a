package io.shopstream.cluster;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopstream.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The cluster CLI refuses a bad command line before it touches any process. */
class ClusterCliTest {

    @Test
    void unknownJobsOptionsAndCommandsFailWithASuggestion() {
        assertThatThrownBy(() -> ClusterCli.run("submit", "enrch"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown job 'enrch': did you mean 'enrich'?");
        assertThatThrownBy(() -> ClusterCli.run("--taskmanager", "3", "up"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown option 'taskmanager': did you mean 'taskmanagers'?");
        assertThatThrownBy(() -> ClusterCli.run("--rest-port", "web", "status"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Invalid value 'web' for 'rest-port'");
        assertThatThrownBy(() -> ClusterCli.run("sideways")).hasMessageContaining("Unknown command 'sideways'");
        assertThatThrownBy(() -> ClusterCli.run("stop")).hasMessageContaining("Missing job name: one of [enrich,");
        assertThatThrownBy(() -> ClusterCli.run("resume", "enrich")).hasMessageContaining("resume needs <job> <savepoint>");
        assertThatThrownBy(() -> ClusterCli.run("savepoint", "enrich", "sessions"))
                .hasMessageContaining("Unexpected argument 'sessions' after savepoint");
    }
}
