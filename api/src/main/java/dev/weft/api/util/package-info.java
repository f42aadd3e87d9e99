/**
 * Small helpers that providers share (rate limiting, paging a scan): not service-provider interfaces, nothing here is
 * implemented by anyone else. Stability: experimental (see {@link dev.weft.api.spi}).
 */
package dev.weft.api.util;
