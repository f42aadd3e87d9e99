package dev.weft.pht;

/**
 * What an index is, as created.
 *
 * @param name its name
 * @param type what it is keyed by
 * @param leafCapacity B: the most entries a trie leaf holds before it splits
 * @param keyBits D: bits of a key (64, or 8 × the string bound)
 * @param maxStringBytes for {@link KeyType#STRING}, the longest key in UTF-8 bytes; 0 otherwise
 */
public record IndexInfo(String name, KeyType type, int leafCapacity, int keyBits, int maxStringBytes) {}
