package io.shopstream.common.config;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Where an event-time input starts on a first start ({@code source.starting-offsets}); a restore
 * always resumes from the checkpoint's offsets. {@code committed} (the default) is the consumer
 * group's committed offsets, else the earliest; {@code earliest}, {@code latest}; and {@code
 * timestamp:<ISO-8601 instant>}, the first record written at or after that instant (for a backfill
 * from a point in time).
 */
public record StartingOffsets(String spec, OffsetsInitializer initializer) {

    private static final String TIMESTAMP = "timestamp:";

    public static StartingOffsets parse(String spec) {
        String s = spec.trim();
        switch (s) {
            case "committed":
                return new StartingOffsets(s, OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
            case "earliest":
                return new StartingOffsets(s, OffsetsInitializer.earliest());
            case "latest":
                return new StartingOffsets(s, OffsetsInitializer.latest());
            default:
                if (s.startsWith(TIMESTAMP)) {
                    try {
                        Instant at = Instant.parse(s.substring(TIMESTAMP.length()).trim());
                        return new StartingOffsets(s, OffsetsInitializer.timestamp(at.toEpochMilli()));
                    } catch (DateTimeParseException e) {
                        throw invalid(spec, "'" + s.substring(TIMESTAMP.length()) + "' is not an ISO-8601 instant"
                                + " such as 2026-11-01T00:00:00Z");
                    }
                }
                throw invalid(spec, "expected committed, earliest, latest or timestamp:<ISO-8601 instant>");
        }
    }

    private static ConfigException invalid(String spec, String why) {
        return new ConfigException("Invalid value '" + spec + "' for option 'source.starting-offsets': " + why);
    }
}
