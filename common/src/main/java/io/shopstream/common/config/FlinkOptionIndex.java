package io.shopstream.common.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;

/** Index of Flink's documented option keys, read from its option classes. */
final class FlinkOptionIndex {

    private static final String[] CLASSES = {
        "org.apache.flink.configuration.CoreOptions",
        "org.apache.flink.configuration.PipelineOptions",
        "org.apache.flink.configuration.ExecutionOptions",
        "org.apache.flink.configuration.CheckpointingOptions",
        "org.apache.flink.configuration.StateBackendOptions",
        "org.apache.flink.configuration.StateRecoveryOptions",
        "org.apache.flink.configuration.StateChangelogOptions",
        "org.apache.flink.configuration.RestartStrategyOptions",
        "org.apache.flink.configuration.RestOptions",
        "org.apache.flink.configuration.WebOptions",
        "org.apache.flink.configuration.TaskManagerOptions",
        "org.apache.flink.configuration.JobManagerOptions",
        "org.apache.flink.configuration.MetricOptions",
        "org.apache.flink.configuration.HeartbeatManagerOptions",
        "org.apache.flink.configuration.DeploymentOptions",
        "org.apache.flink.configuration.ClusterOptions",
        "org.apache.flink.configuration.NettyShuffleEnvironmentOptions",
        "org.apache.flink.configuration.HighAvailabilityOptions",
        "org.apache.flink.configuration.SecurityOptions",
        "org.apache.flink.configuration.AkkaOptions",
        "org.apache.flink.configuration.RpcOptions",
        "org.apache.flink.configuration.BlobServerOptions",
        "org.apache.flink.configuration.ResourceManagerOptions",
        "org.apache.flink.configuration.ExternalResourceOptions",
        "org.apache.flink.configuration.BatchExecutionOptions",
        "org.apache.flink.configuration.StateLatencyTrackOptions",
        "org.apache.flink.configuration.TraceOptions",
        "org.apache.flink.configuration.EventOptions",
        "org.apache.flink.configuration.MemorySize",
        "org.apache.flink.state.rocksdb.RocksDBOptions",
        "org.apache.flink.state.rocksdb.RocksDBConfigurableOptions",
        "org.apache.flink.streaming.api.environment.ExecutionCheckpointingOptions",
    };

    private static volatile Map<String, ConfigOption<?>> index;

    private FlinkOptionIndex() {}

    static ConfigOption<?> find(String key) {
        Map<String, ConfigOption<?>> map = index;
        if (map == null) {
            map = build();
            index = map;
        }
        return map.get(key);
    }

    static Set<String> keys() {
        find("");
        return new TreeSet<>(index.keySet());
    }

    private static Map<String, ConfigOption<?>> build() {
        Map<String, ConfigOption<?>> map = new LinkedHashMap<>();
        for (String className : CLASSES) {
            Class<?> type;
            try {
                type = Class.forName(className, false, FlinkOptionIndex.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                continue; // an optional module that is not on this classpath
            }
            for (Field field : type.getFields()) {
                if (Modifier.isStatic(field.getModifiers()) && ConfigOption.class.isAssignableFrom(field.getType())) {
                    try {
                        ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                        map.put(option.key(), option);
                        for (FallbackKey fallback : option.fallbackKeys()) {
                            map.putIfAbsent(fallback.getKey(), option);
                        }
                    } catch (IllegalAccessException e) {
                        // not an accessible option constant
                    }
                }
            }
        }
        return map;
    }
}
