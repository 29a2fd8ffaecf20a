package io.shopstream.payments;

import static io.shopstream.common.model.PaymentStatus.AUTHORIZED;
import static io.shopstream.common.model.PaymentStatus.CAPTURED;
import static io.shopstream.common.model.PaymentStatus.FAILED;
import static io.shopstream.payments.PaymentScenarios.order;
import static io.shopstream.payments.PaymentScenarios.payment;
import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.metrics.ShopMetrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The matcher's counters, as the web UI and reporters see them (group {@code shopstream}). */
class PaymentMatcherMetricsTest {

    private static final long MIN = 60_000;
    private static final long T = 1_764_238_512_000L;

    @Test
    void everyOutcomeIsCounted() throws Exception {
        Map<String, Counter> counters = new ConcurrentHashMap<>();
        TestingMetricRegistry registry = TestingMetricRegistry.builder()
                .setRegisterConsumer((metric, name, group) -> {
                    List<String> scope = List.of(group.getScopeComponents());
                    if (metric instanceof Counter c && scope.get(scope.size() - 1).equals(ShopMetrics.GROUP)) {
                        counters.put(name, c);
                    }
                })
                .build();
        TaskMetricGroup task = TaskManagerMetricGroup.createTaskManagerMetricGroup(registry, "localhost", ResourceID.generate())
                .addJob(new JobID(), PaymentsJob.NAME)
                .addTask(ExecutionAttemptID.randomId(), "Match payments");

        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PaymentMatcher(5 * MIN, 15 * MIN)), OrderOrPayment::orderId, Types.STRING,
                new MockEnvironmentBuilder().setMetricGroup(task).build())) {
            harness.open();
            send(harness, OrderOrPayment.of(order("o-1", "c-1", 100, T)));
            send(harness, OrderOrPayment.of(payment("pay-1", "o-1", 100, CAPTURED, T))); // paid
            send(harness, OrderOrPayment.of(payment("pay-2", "o-1", 100, CAPTURED, T))); // duplicate
            send(harness, OrderOrPayment.of(order("o-1", "c-1", 100, T))); // order ignored
            send(harness, OrderOrPayment.of(order("o-2", "c-1", 100, T)));
            send(harness, OrderOrPayment.of(payment("pay-3", "o-2", 90, CAPTURED, T))); // mismatch
            send(harness, OrderOrPayment.of(order("o-3", "c-1", 100, T))); // unpaid
            send(harness, OrderOrPayment.of(payment("pay-8", "o-3", 100, FAILED, T))); // o-3's failed attempt
            send(harness, OrderOrPayment.of(payment("pay-7", "o-3", 100, AUTHORIZED, T))); // ignored
            send(harness, OrderOrPayment.of(payment("pay-9", "o-9", 100, FAILED, T))); // no order in its window
            send(harness, OrderOrPayment.of(payment("pay-4", "o-4", 100, CAPTURED, T))); // no order
            harness.processWatermark(T + 15 * MIN);
            send(harness, OrderOrPayment.of(order("o-5", "c-1", 100, T))); // late, then unpaid
            send(harness, OrderOrPayment.of(payment("pay-6", "o-6", 100, FAILED, T))); // late, no order
            harness.processWatermark(T + 60 * MIN);

            assertThat(counters).containsOnlyKeys(
                    PaymentMatcher.PAID_ORDERS, PaymentMatcher.AMOUNT_MISMATCHES, PaymentMatcher.UNPAID_ORDERS,
                    PaymentMatcher.ORPHANED_PAYMENTS, PaymentMatcher.DUPLICATE_PAYMENTS, PaymentMatcher.DUPLICATE_ORDERS,
                    PaymentMatcher.LATE_ORDERS, PaymentMatcher.LATE_PAYMENTS, PaymentMatcher.AUTHORIZED_PAYMENTS,
                    PaymentMatcher.FAILED_WITHOUT_ORDER);
            assertThat(counters.get(PaymentMatcher.PAID_ORDERS).getCount()).isEqualTo(2);
            assertThat(counters.get(PaymentMatcher.AMOUNT_MISMATCHES).getCount()).isEqualTo(1);
            assertThat(counters.get(PaymentMatcher.UNPAID_ORDERS).getCount()).isEqualTo(2);
            assertThat(counters.get(PaymentMatcher.ORPHANED_PAYMENTS).getCount()).isEqualTo(2);
            assertThat(counters.get(PaymentMatcher.DUPLICATE_PAYMENTS).getCount()).isEqualTo(1);
            assertThat(counters.get(PaymentMatcher.DUPLICATE_ORDERS).getCount()).isEqualTo(1);
            assertThat(counters.get(PaymentMatcher.LATE_ORDERS).getCount()).isEqualTo(1);
            assertThat(counters.get(PaymentMatcher.LATE_PAYMENTS).getCount()).isEqualTo(1);
            assertThat(counters.get(PaymentMatcher.AUTHORIZED_PAYMENTS).getCount()).isEqualTo(1);
            assertThat(counters.get(PaymentMatcher.FAILED_WITHOUT_ORDER).getCount()).isEqualTo(2);
            // The counters agree with what was written.
            assertThat(harness.extractOutputValues()).hasSize(2);
            assertThat(harness.getSideOutput(PaymentMatcher.UNPAID)).hasSize(2);
            assertThat(harness.getSideOutput(PaymentMatcher.ORPHANED)).hasSize(2);
            assertThat(harness.getSideOutput(PaymentMatcher.UNPAID)).extracting(r -> r.getValue().failedAttempts())
                    .containsExactlyInAnyOrder(1, 0);
            assertThat(harness.numKeyedStateEntries()).isZero();
        }
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, OrderOrPayment, ?> harness, OrderOrPayment input)
            throws Exception {
        harness.processElement(input, input.ts());
    }
}
