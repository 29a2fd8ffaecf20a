package io.shopstream.common.enrich;

/** Where a customer's queue of held events starts ({@code head}) and where the next one goes ({@code tail}). */
public record HeldQueue(long head, long tail) {}
