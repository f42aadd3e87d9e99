/**
 * Stores: a node's local records ({@link dev.weft.api.spi.store.StoreProvider}, {@link
 * dev.weft.api.spi.store.LocalStore}). The testkit's {@code LocalStoreContract} checks an implementation. Stability:
 * experimental (see {@link dev.weft.api.spi}).
 */
package dev.weft.api.spi.store;
