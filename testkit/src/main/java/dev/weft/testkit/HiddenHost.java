package dev.weft.testkit;

import static dev.weft.testkit.Commands.must;
import static dev.weft.testkit.Commands.run;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Two network namespaces joined by a veth pair: an open host, and a hidden one whose firewall drops every connection
 * attempt and datagram that arrives on its link — it can only connect out. That is a node behind NAT or a firewall,
 * for tests of relayed nodes. Nothing in the root namespace can reach either; tests run their processes inside with
 * {@code ip netns exec}.
 */
public final class HiddenHost implements AutoCloseable {
  /** The namespace anyone can reach (on its link). */
  public final String open;
  /** The namespace nothing can reach. */
  public final String hidden;
  public final String openIp;
  public final String hiddenIp;

  private HiddenHost(String open, String hidden, String openIp, String hiddenIp) {
    this.open = open;
    this.hidden = hidden;
    this.openIp = openIp;
    this.hiddenIp = hiddenIp;
  }

  /**
   * Makes both namespaces, or says why it cannot (then nothing is left behind).
   *
   * @param name a short name, unique among concurrent tests (namespace and interface names derive from it and the
   *     process id)
   * @param subnet the first three octets of a /24 used by no other test, e.g. {@code 10.232.0}: the open host is
   *     {@code .1}, the hidden one {@code .2}
   * @return the hosts, or empty with the reason logged as a skipped assumption would be
   */
  public static Result create(String name, String subnet) throws IOException, InterruptedException {
    String tag = name + (ProcessHandle.current().pid() % 100_000);
    String open = "wo-" + tag;
    String hidden = "wh-" + tag;
    Optional<String> unavailable = Commands.namespacesUnavailable(open);
    if (unavailable.isPresent()) {
      return new Result(null, unavailable.get());
    }
    HiddenHost h = new HiddenHost(open, hidden, subnet + ".1", subnet + ".2");
    try {
      String toHidden = "o" + tag;
      String toOpen = "h" + tag;
      must("ip", "netns", "add", hidden);
      must("ip", "link", "add", toHidden, "type", "veth", "peer", "name", toOpen);
      must("ip", "link", "set", toHidden, "netns", open);
      must("ip", "link", "set", toOpen, "netns", hidden);
      must("ip", "-n", open, "addr", "add", h.openIp + "/24", "dev", toHidden);
      must("ip", "-n", hidden, "addr", "add", h.hiddenIp + "/24", "dev", toOpen);
      for (String ns : List.of(open, hidden)) {
        must("ip", "-n", ns, "link", "set", "lo", "up");
      }
      must("ip", "-n", open, "link", "set", toHidden, "up");
      must("ip", "-n", hidden, "link", "set", toOpen, "up");
      // Outbound connections (and their replies) pass; nothing comes in on its own over the link. Loopback is left
      // alone: processes inside still reach each other (a node's CLI its HTTP API).
      must("ip", "netns", "exec", hidden, "iptables", "-A", "INPUT", "-i", toOpen, "-p", "tcp", "--syn", "-j",
          "DROP");
      must("ip", "netns", "exec", hidden, "iptables", "-A", "INPUT", "-i", toOpen, "-p", "udp", "-j", "DROP");
      return new Result(h, null);
    } catch (IOException | InterruptedException | RuntimeException e) {
      h.close();
      throw e;
    }
  }

  /**
   * What {@link #create} made, or why it could not.
   *
   * @param host the hosts, null when they could not be made
   * @param unavailable why not (no {@code ip} or {@code iptables}, not root), null when they were
   */
  public record Result(HiddenHost host, String unavailable) {}

  /** Deletes both namespaces (and with them the veth pair and firewall rules). */
  @Override
  public void close() {
    try {
      run("ip", "netns", "del", open);
      run("ip", "netns", "del", hidden);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
