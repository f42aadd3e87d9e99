package dev.weft.api;

/**
 * What a {@link Storage#put} or {@link Storage#delete} achieved.
 *
 * @param version the version written
 * @param acknowledged replicas that confirmed they hold this version (or a newer one), at least 1
 * @param attempted replicas the write was sent to (the replication factor, or fewer in a small network)
 */
public record PutResult(Version version, int acknowledged, int attempted) {}
