package dev.weft.examples.echo;

import dev.weft.api.Node;
import dev.weft.api.NodeId;
import java.util.concurrent.CompletableFuture;

/** The echo plugin's API: what users get from {@code node.service(Echo.class)}. */
public interface Echo {
  /** The echo service of {@code node}; fails when the plugin is not on the class path. */
  static Echo of(Node node) {
    return node.service(Echo.class).orElseThrow(() -> new IllegalStateException("the echo plugin is not running"));
  }

  /** Asks node {@code to} to send {@code text} back, with its prefix. */
  CompletableFuture<String> echo(NodeId to, String text);
}
