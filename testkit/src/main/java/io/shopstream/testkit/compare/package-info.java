/**
 * The one way to compare a job's output with what it should be, for the end-to-end tests, the
 * chaos test and the cluster measurement: {@link io.shopstream.testkit.compare.Difference} (the
 * multiset difference of expected and actual records), {@link io.shopstream.testkit.compare.KeyOrder}
 * (each key's records in order), {@link io.shopstream.testkit.compare.TimeFields} (dropping the
 * fields that carry write time), {@link io.shopstream.testkit.compare.FinalRevisions} (the latest
 * revision per window, as a compacted topic keeps it) and {@link
 * io.shopstream.testkit.compare.ArrivalReplay} (one input replayed in the suite's arrival order
 * into a window oracle and the operator under test side by side).
 */
package io.shopstream.testkit.compare;
