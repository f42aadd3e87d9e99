/**
 * The persistent {@code mapdb} store: its settings ({@link dev.weft.storage.mapdb.MapDbSettings}). The provider lives in
 * {@code dev.weft.storage.mapdb.internal} and is found with {@link java.util.ServiceLoader}; select it with {@code
 * weft.storage=mapdb} and give it {@code weft.data.dir}.
 */
package dev.weft.storage.mapdb;
