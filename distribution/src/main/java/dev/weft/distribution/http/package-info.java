/**
 * The node's HTTP/JSON API (docs/http-api.md): the embedded Jetty server ({@link dev.weft.distribution.http.HttpApi}),
 * the handler in front of every route (guard, token, UI files, streams), the node's own routes and {@code /metrics}.
 * {@code weft node} and {@code weft cluster} start it; the node's settings build its options.
 */
package dev.weft.distribution.http;
