/** Range queries over the DHT with a Prefix Hash Tree: {@link dev.weft.pht.Pht}. */
package dev.weft.pht;
