/**
 * Plugins: features that run on every node and talk to their peers on channels of their own ({@link
 * dev.weft.api.spi.plugin.PluginProvider}, {@link dev.weft.api.spi.plugin.Dht}); the rules for writing one are in
 * {@code docs/plugins.md}. Stability: experimental (see {@link dev.weft.api.spi}).
 */
package dev.weft.api.spi.plugin;
