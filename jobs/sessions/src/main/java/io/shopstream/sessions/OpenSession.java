package io.shopstream.sessions;

import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Session;

/** The running summary of a session that can still grow (keyed state; a Flink POJO). */
public final class OpenSession {

    public long start;
    public long end;
    public long events;
    public long views;
    public long addToCarts;
    public long orders;
    public long revenueCents;

    public OpenSession() {}

    public static OpenSession of(EnrichedEvent event) {
        OpenSession s = new OpenSession();
        s.start = event.ts();
        s.end = event.ts();
        return s.add(event);
    }

    public OpenSession add(EnrichedEvent event) {
        start = Math.min(start, event.ts());
        end = Math.max(end, event.ts());
        events++;
        switch (event.type()) {
            case VIEW -> views++;
            case ADD_TO_CART -> addToCarts++;
            case ORDER -> {
                orders++;
                revenueCents += event.amountCents() == null ? 0 : event.amountCents();
            }
        }
        return this;
    }

    public OpenSession merge(OpenSession other) {
        start = Math.min(start, other.start);
        end = Math.max(end, other.end);
        events += other.events;
        views += other.views;
        addToCarts += other.addToCarts;
        orders += other.orders;
        revenueCents += other.revenueCents;
        return this;
    }

    /** Whether an event at {@code ts} extends this session: it lies at most {@code gapMs} from it. */
    public boolean reaches(long ts, long gapMs) {
        return ts >= start - gapMs && ts <= end + gapMs;
    }

    public Session toSession(String customerId) {
        return new Session(customerId, start, end, end - start, events, views, addToCarts, orders, revenueCents, orders > 0);
    }
}
