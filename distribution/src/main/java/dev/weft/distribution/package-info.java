/**
 * The installable weft node: the {@code weft} command line ({@link dev.weft.distribution.Main}), the local HTTP/JSON
 * API a node serves and the client commands that talk to it. Everything but {@code Main} is package-private; the HTTP
 * API is documented in {@code docs/http-api.md}.
 */
package dev.weft.distribution;
