package dev.weft.pht;

/**
 * The shape of an index's trie, from a walk over all of it.
 *
 * @param index the index
 * @param depth length of the longest prefix of a leaf
 * @param leaves leaves
 * @param internal internal trie nodes
 * @param entries entries in all leaves
 */
public record IndexStats(String index, int depth, int leaves, int internal, long entries) {}
