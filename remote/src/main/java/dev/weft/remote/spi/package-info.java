/**
 * How a feature module adds itself to the node's remote face: {@link dev.weft.remote.spi.RemoteFeature} (found with
 * {@link java.util.ServiceLoader}) gives its {@link dev.weft.remote.spi.Route}s, whose handlers answer an {@link
 * dev.weft.remote.spi.HttpCall}.
 *
 * <p><b>Stability:</b> experimental while weft is 0.x.
 */
package dev.weft.remote.spi;
