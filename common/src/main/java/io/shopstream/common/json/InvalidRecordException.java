package io.shopstream.common.json;

import io.shopstream.common.model.DeadLetterReason;

/** A record that cannot be used, with the contract's reason. Thrown inside the JSON layer only. */
public final class InvalidRecordException extends Exception {

    private final DeadLetterReason reason;

    public InvalidRecordException(DeadLetterReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
