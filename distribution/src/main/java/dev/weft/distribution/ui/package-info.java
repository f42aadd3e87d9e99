/**
 * The web UI's files: {@link dev.weft.distribution.ui.UiFiles} serves them from the class path under {@code /ui/}. The
 * HTTP API's handler ({@code dev.weft.distribution.http}) is its only user; the files themselves are in {@code
 * src/main/resources/weft-ui}.
 */
package dev.weft.distribution.ui;
