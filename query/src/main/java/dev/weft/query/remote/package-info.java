/**
 * SQL on the node's HTTP API: {@code POST /v1/sql} runs one statement, {@code GET /v1/sql/tables} lists the tables
 * for clients such as {@code weft sql}'s shell (docs/http-api.md, "SQL"). Found by the HTTP API as a {@link
 * dev.weft.remote.spi.RemoteFeature}; nothing here is API.
 */
package dev.weft.query.remote;
