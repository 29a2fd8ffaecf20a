package io.shopstream.sessions;

import io.shopstream.testkit.JobGraphs;
import org.junit.jupiter.api.Test;

/** The job's graph as `flink run` would submit it: stable uids, and the keeper in front of the sessions operator. */
class SessionsJobGraphTest {

    @Test
    void everyOperatorHasAStableUidAndTheKeptWatermarkGoesStraightIntoTheSessions() {
        JobGraphs.assertStableUidsAndKeeperBefore(SessionsJob.JOB, "Sessions per customer",
                "source-shop.events.enriched", "validate-enriched",
                "route-events-from-the-future", "keep-watermark", "customer-sessions", "count-late-events",
                "sink-shop.sessions", "sink-shop.sessions.late", "sink-shop.dlq");
    }
}
