package io.shopstream.common.model;

/** Why a record could not be used. */
public enum DeadLetterReason {
    MALFORMED_JSON,
    MISSING_FIELD,
    INVALID_VALUE,
    UNKNOWN_TYPE,
    TOO_LARGE,
    NOT_UTF8,
    EMPTY
}
