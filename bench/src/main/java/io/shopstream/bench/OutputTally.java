package io.shopstream.bench;

import io.shopstream.common.model.CategoryStats;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.OrphanedPayment;
import io.shopstream.common.model.PaidOrder;
import io.shopstream.common.model.Session;
import io.shopstream.common.model.UnpaidOrder;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * What one pass wrote, folded into figures that depend neither on timing nor on the order of
 * outputs, so that every Flink pass can be checked against the plain loop's: a job that drops,
 * duplicates or still holds records at the end of its input cannot look fast.
 *
 * <ul>
 *   <li>enrich: one per enriched event and per dead letter; the checksum covers the event's
 *       identity (id, customer, type, time) and the dead letter's reason, topic, key and value.
 *       The enrichment itself is left out: whether an event met its product depends on when the
 *       reference data arrived, which differs between the two runners by design.
 *   <li>category-stats and sessions: the input events accounted for, the windows' or sessions'
 *       event counts (latest revision per window) plus the late events, and the same for revenue.
 *       Which events are late depends on watermark timing; that every event is counted once
 *       does not.
 *   <li>payments: every order decided once (paid or unpaid) and every captured payment once (paid
 *       or orphaned), with their ids. Which verdict a late order or payment gets depends on the
 *       watermark; that each gets exactly one does not.
 * </ul>
 */
final class OutputTally implements Serializable {

    private static final long serialVersionUID = 1L;

    private long records;
    private long checksum;
    /** Output records per kind (class name, "late" for late events): says where two passes differ. */
    private final Map<String, Long> kinds = new java.util.TreeMap<>();
    /** category-stats: the last revision folded in per window, so that a new one replaces it. */
    private final Map<String, CategoryStats> revisions = new HashMap<>();

    /** The figures so far. */
    Figures figures() {
        return new Figures(records, checksum);
    }

    /** A pass's figures; the checksum is a wrapping sum of 64-bit hashes, so order does not matter. */
    record Figures(long records, long checksum) {}

    /** Output records per kind so far. */
    Map<String, Long> kinds() {
        return kinds;
    }

    /** Folds in one output record; returns the change it made, for a Flink accumulator. */
    Figures add(Object output) {
        kinds.merge(output.getClass().getSimpleName(), 1L, Long::sum);
        long r0 = records;
        long c0 = checksum;
        if (output instanceof EnrichedEvent e) {
            count(e.eventId() + '|' + e.customerId() + '|' + e.type() + '|' + e.ts());
        } else if (output instanceof DeadLetter d) {
            count(d.reason() + "|" + d.sourceTopic() + '|' + d.key() + '|' + d.rawValue() + '|' + d.rawValueBase64());
        } else if (output instanceof CategoryStats s) {
            CategoryStats previous = revisions.get(s.key());
            if (previous == null || previous.revision() < s.revision()) { // an older revision changes nothing
                revisions.put(s.key(), s);
                records += events(s) - (previous == null ? 0 : events(previous));
                checksum += s.revenueCents() - (previous == null ? 0 : previous.revenueCents());
            }
        } else if (output instanceof Session s) {
            records += s.events();
            checksum += s.revenueCents();
        } else if (output instanceof PaidOrder p) {
            count("order|" + p.orderId());
            count("payment|" + p.paymentId());
        } else if (output instanceof UnpaidOrder u) {
            count("order|" + u.orderId());
        } else if (output instanceof OrphanedPayment o) {
            count("payment|" + o.paymentId());
        } else {
            throw new IllegalArgumentException("no tally for " + output.getClass().getSimpleName());
        }
        return new Figures(records - r0, checksum - c0);
    }

    /**
     * Folds in a late event of a window job (category-stats, sessions): an event accounted for,
     * with its revenue. Enriched events on the late topics are not what enrich's tally counts.
     * Returns the change it made, as {@link #add} does.
     */
    Figures addLate(EnrichedEvent e) {
        kinds.merge("late", 1L, Long::sum);
        long revenue = e.amountCents() == null ? 0 : e.amountCents();
        records += 1;
        checksum += revenue;
        return new Figures(1, revenue);
    }

    private static long events(CategoryStats s) {
        return s.views() + s.addToCarts() + s.orders();
    }

    private void count(String identity) {
        records += 1;
        checksum += hash(identity);
    }

    /** 64-bit FNV-1a of the UTF-8 bytes: stable across JVMs, unlike String.hashCode's 32 bits. */
    static long hash(String text) {
        long h = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
