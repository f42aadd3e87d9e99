/**
 * The installable weft node. Here: {@link dev.weft.distribution.Main}, which {@code bin/weft} starts, and what both the
 * CLI and the HTTP API use ({@link dev.weft.distribution.Json}, {@link dev.weft.distribution.JsonTree}, {@link
 * dev.weft.distribution.Urls}, {@link dev.weft.distribution.Versions}). The rest is in {@code cli}, {@code http}
 * (documented in {@code docs/http-api.md}), {@code config} and {@code ui}; only what another package calls is public.
 */
package dev.weft.distribution;
