package io.shopstream.testkit.compare;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopstream.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Records grouped by a key, each group in the order given: the contract keeps each customer's
 * records in input order, whatever happens between customers. Two outputs keep the same per-key
 * order exactly when their {@link #perKey} maps are equal.
 */
public final class KeyOrder {

    private KeyOrder() {}

    /** Each key's records in their order in {@code records}, keys sorted. */
    public static <T, K extends Comparable<? super K>> Map<K, List<T>> perKey(List<T> records,
            Function<? super T, K> key) {
        Map<K, List<T>> groups = new TreeMap<>();
        for (T r : records) {
            groups.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r);
        }
        return groups;
    }

    /**
     * The first key whose records differ in content or order, described; empty when every key's
     * records are the same, in the same order.
     */
    public static <T, K extends Comparable<? super K>> String difference(List<T> expected, List<T> actual,
            Function<? super T, K> key) {
        Map<K, List<T>> e = perKey(expected, key);
        Map<K, List<T>> a = perKey(actual, key);
        TreeMap<K, Boolean> keys = new TreeMap<>();
        e.keySet().forEach(k -> keys.put(k, true));
        a.keySet().forEach(k -> keys.put(k, true));
        for (K k : keys.keySet()) {
            List<T> want = e.getOrDefault(k, List.of());
            List<T> got = a.getOrDefault(k, List.of());
            if (!want.equals(got)) {
                int at = 0;
                while (at < Math.min(want.size(), got.size()) && Objects.equals(want.get(at), got.get(at))) {
                    at++;
                }
                return String.format("key %s: %d expected, %d actual, first difference at #%d: expected %s, actual %s",
                        k, want.size(), got.size(), at, at < want.size() ? want.get(at) : "nothing",
                        at < got.size() ? got.get(at) : "nothing");
            }
        }
        return "";
    }

    /** The text of a JSON record's field {@code name} ("" when absent), as a key. */
    public static Function<String, String> jsonField(String name) {
        return json -> {
            try {
                JsonNode node = Json.MAPPER.readTree(json);
                return node.path(name).asText();
            } catch (IOException e) {
                throw new UncheckedIOException("Not a JSON record: " + json, e);
            }
        };
    }
}
