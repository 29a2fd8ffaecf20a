package io.shopstream.common.model;

/**
 * A record that could not be used, with where it came from and why ({@code shop.dlq}). {@code
 * rawValue} holds the original text when it is UTF-8, else {@code rawValueBase64} holds the bytes;
 * both are null for {@link DeadLetterReason#TOO_LARGE}.
 */
public record DeadLetter(
        DeadLetterReason reason,
        String detail,
        String sourceTopic,
        int partition,
        long offset,
        String key,
        String rawValue,
        String rawValueBase64,
        String job,
        long deadLetteredAt) {}
