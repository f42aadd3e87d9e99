/**
 * What weft's two remote faces, the HTTP API (weft-distribution) and the browser gateway, share: the error vocabulary
 * ({@link dev.weft.remote.RemoteError}, {@link dev.weft.remote.Failures}), and nothing that needs a server.
 *
 * <p><b>Stability:</b> experimental while weft is 0.x.
 */
package dev.weft.remote;
