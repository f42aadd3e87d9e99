/**
 * What a node of the distribution runs with: {@link dev.weft.distribution.config.NodeSettings} (defaults, file,
 * environment, {@code --set} and options resolved and checked), the catalog of every known setting, and the {@code
 * HOST:PORT} form of addresses. {@code weft node}, {@code weft cluster} and {@code weft config} resolve them; the HTTP
 * API reads its own keys.
 */
package dev.weft.distribution.config;
