package dev.weft.api;

/**
 * What a {@link Storage#put} or {@link Storage#delete} achieved.
 *
 * @param version the version written
 * @param acknowledged replicas that had confirmed they hold this version (or a newer one) when the write completed, at
 *     least 1: a put completes once the engine's write quorum confirmed (the Kademlia engine's
 *     {@code weft.kademlia.write-quorum}, the closest replica among them), and the other replicas still get the record
 * @param attempted replicas the write was sent to (the replication factor, or fewer in a small network)
 */
public record PutResult(Version version, int acknowledged, int attempted) {}
