/**
 * The PHT on weft's remote face (HTTP API and browser gateway): its JSON forms and checks. Uses the public API only.
 *
 * <p><b>Stability:</b> experimental while weft is 0.x.
 */
package dev.weft.pht.remote;
