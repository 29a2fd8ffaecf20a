package io.shopstream.payments;

import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.OrphanedPayment;
import io.shopstream.common.model.PaidOrder;
import io.shopstream.common.model.Payment;
import io.shopstream.common.model.PaymentStatus;
import io.shopstream.common.model.UnpaidOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The contract's payment matching as a plain single-threaded loop over the whole input, with no
 * watermarks, timers or state expiry: the reference the job is tested against. It holds for input
 * whose disorder stays within the out-of-orderness bound, where the job's result must not depend
 * on arrival order except through contract rule 3 (of two captured payments for one order, the
 * first processed is the match). {@code input} is in processing order.
 *
 * <p>One order per {@code orderId}: the first ORDER event processed for an id is the order (the
 * job ignores another one only while the first is open, which covers retries within the bound).
 */
public final class PlainPaymentMatching {

    private PlainPaymentMatching() {}

    /** Everything the job writes for the input, in no particular order. */
    public record Result(List<PaidOrder> paid, List<UnpaidOrder> unpaid, List<OrphanedPayment> orphaned) {}

    public static Result match(List<OrderOrPayment> input, Duration before, Duration after) {
        long beforeMs = before.toMillis();
        long afterMs = after.toMillis();
        Map<String, EnrichedEvent> orders = new LinkedHashMap<>();
        for (OrderOrPayment item : input) {
            if (item.order() != null) {
                orders.putIfAbsent(item.order().orderId(), item.order());
            }
        }

        List<PaidOrder> paid = new ArrayList<>();
        List<OrphanedPayment> orphaned = new ArrayList<>();
        Set<String> paidIds = new HashSet<>();
        Map<String, Integer> failed = new LinkedHashMap<>();
        for (OrderOrPayment item : input) {
            Payment p = item.payment();
            if (p == null || p.status() == PaymentStatus.AUTHORIZED) {
                continue;
            }
            EnrichedEvent order = orders.get(p.orderId());
            boolean inWindow = order != null && p.ts() >= order.ts() - beforeMs && p.ts() <= order.ts() + afterMs;
            if (p.status() == PaymentStatus.FAILED) {
                if (inWindow) {
                    failed.merge(p.orderId(), 1, Integer::sum);
                }
            } else if (!inWindow) {
                orphaned.add(orphan(p, OrphanedPayment.NO_ORDER));
            } else if (!paidIds.add(p.orderId())) {
                orphaned.add(orphan(p, OrphanedPayment.DUPLICATE));
            } else {
                long amount = order.amountCents();
                paid.add(new PaidOrder(
                        order.orderId(), order.customerId(), order.ts(), p.paymentId(), p.ts(), amount,
                        p.amountCents(), amount == p.amountCents() ? PaidOrder.PAID : PaidOrder.AMOUNT_MISMATCH));
            }
        }

        List<UnpaidOrder> unpaid = new ArrayList<>();
        for (EnrichedEvent order : orders.values()) {
            if (!paidIds.contains(order.orderId())) {
                unpaid.add(new UnpaidOrder(
                        order.orderId(), order.customerId(), order.ts(), order.amountCents(),
                        failed.getOrDefault(order.orderId(), 0)));
            }
        }
        return new Result(paid, unpaid, orphaned);
    }

    private static OrphanedPayment orphan(Payment p, String reason) {
        return new OrphanedPayment(p.paymentId(), p.orderId(), p.amountCents(), p.ts(), reason);
    }
}
