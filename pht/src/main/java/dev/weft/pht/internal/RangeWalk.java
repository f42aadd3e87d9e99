package dev.weft.pht.internal;

import dev.weft.pht.Entry;
import dev.weft.pht.internal.TrieNode.Item;
import dev.weft.pht.internal.TrieNode.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A range query: from the trie node of the longest common prefix of the range's ends, the children that may hold
 * keys in the region are read in parallel, level by level, in key order, until the leaves seen so far, in order, hold
 * enough entries for the page (PHT §3.3, parallel search).
 */
final class RangeWalk {
  private final TrieStore store;
  private final TrieReader reader;
  private final KeyCodec codec;
  private final KeyCodec.Region region;
  private final String lo;
  private final String hi;
  private final Optional<Item> after;
  private final int limit;
  final AtomicInteger reads = new AtomicInteger();
  final AtomicInteger rounds = new AtomicInteger();
  final List<Entry> entries = new ArrayList<>();
  boolean more;

  /** A trie node on the frontier: its prefix and, once read, what it holds. */
  private final class Slot {
    final String prefix;
    /** For a child of a leaf still splitting: its share of the parent's entries, in case it is not created yet. */
    final List<Item> fallback;
    /** The slot this one was expanded from, if any. */
    final Slot parent;
    TrieNode node;
    /** Known internal from an ancestor's shape hint only, not read. */
    boolean hinted;
    /** Read, and found missing or a leftover: the hint that led here was stale. */
    boolean stale;

    Slot(String prefix, List<Item> fallback, Slot parent) {
      this.prefix = prefix;
      this.fallback = fallback;
      this.parent = parent;
    }

    /** The outermost of the unread ancestors that a shape hint skipped, right above this slot. */
    Slot skipped() {
      Slot s = parent;
      while (s.parent != null && s.parent.hinted) {
        s = s.parent;
      }
      return s;
    }
  }

  /** Whether a slot is read and holds entries (a leaf, or a split whose children are not wanted). */
  private boolean isLeaf(Slot s) {
    return s.node != null && s.node.state().holdsEntries() && s.node.state() != State.SPLIT;
  }

  RangeWalk(TrieStore store, TrieReader reader, KeyCodec codec, KeyCodec.Region region, String lo, String hi,
    Optional<Item> after, int limit) {
  this.store = store;
  this.reader = reader;
    this.codec = codec;
    this.region = region;
    this.lo = lo;
    this.hi = hi;
    this.after = after;
    this.limit = limit;
  }

  CompletableFuture<RangeWalk> run() {
    int shared = 0;
    while (shared < lo.length() && lo.charAt(shared) == hi.charAt(shared)) {
      shared++;
    }
    int common = shared;
    String start = lo.substring(0, common);
    reads.incrementAndGet();
    rounds.incrementAndGet();
    return store.read(codec, start).thenCompose(found -> {
      if (found.isEmpty()) {
        // The leaf that covers the whole range sits above the common prefix: find it like a key's.
        int before = reads.get();
        return reader.findLeaf(codec, lo, common - 1, reads).thenCompose(leaf -> {
          rounds.addAndGet(reads.get() - before);
          if (leaf.isEmpty() || leaf.get().prefix().length() > common) {
            return CompletableFuture.failedFuture(new RetryException());
          }
          Slot s = new Slot(leaf.get().prefix(), null, null);
          s.node = leaf.get().node();
          return walk(new ArrayList<>(List.of(s)));
        });
      }
      Slot s = new Slot(start, null, null);
      s.node = found.get();
      if (s.node.state() == State.FROZEN && !start.isEmpty()) {
        return reader.trustFrozen(codec, start, reads).thenCompose(ok -> ok ? walk(new ArrayList<>(List.of(s)))
            : CompletableFuture.failedFuture(new RetryException()));
      }
      return walk(new ArrayList<>(List.of(s)));
    });
  }

  private boolean wanted(String prefix) {
    if (!region.mayContain(prefix)) {
      return false;
    }
    // Skip subtrees entirely before the previous page's last entry.
    return after.isEmpty() || (prefix + "1".repeat(codec.bits() - prefix.length())).compareTo(after.get().bits()) >= 0;
  }

  private CompletableFuture<RangeWalk> walk(List<Slot> frontier) {
    // Expand internal (and still splitting) nodes into their wanted children, in key order; children that a shape
    // hint names internal are expanded in turn without being read.
    List<Slot> next = frontier;
    boolean expanded = true;
    while (expanded) {
      expanded = false;
      List<Slot> level = new ArrayList<>();
      for (Slot s : next) {
        if (s.node != null && !isLeaf(s)) {
          expanded = true;
          expand(s, level);
        } else {
          level.add(s);
        }
      }
      next = level;
    }
    // Which unread slots are needed: those before the point where read leaves, in order, fill the page; at most a
    // page's worth of leaves (B/2 entries each, at least) per round, so a small page of a huge range stays cheap.
    List<Slot> toRead = new ArrayList<>();
    int budget = Math.max(4, 2 * limit / Math.max(1, codec.info().leafCapacity() / 2) + 2);
    int count = 0;
    for (Slot s : next) {
      if (s.node == null) {
        if (toRead.size() == budget) {
          break;
        }
        toRead.add(s);
      } else if (toRead.isEmpty() && isLeaf(s)) {
        count += matching(s.node).size();
        if (count > limit) {
          break;
        }
      }
    }
    if (toRead.isEmpty()) {
      return CompletableFuture.completedFuture(finish(next));
    }
    rounds.incrementAndGet();
    List<CompletableFuture<Void>> fetches = new ArrayList<>();
    for (Slot s : toRead) {
      reads.incrementAndGet();
      fetches.add(store.read(codec, s.prefix).thenCompose(found -> {
        if (s.fallback != null && (found.isEmpty() || found.get().state() == State.FROZEN)) {
          // The split has not created this child (or only a leftover is there): the parent's entries are current.
          s.node = TrieNode.leaf(s.fallback);
          return CompletableFuture.completedFuture(null);
        }
        if (found.isPresent() && found.get().state() == State.FROZEN) {
          return reader.trustFrozen(codec, s.prefix, reads).thenAccept(ok -> {
            if (ok) {
              s.node = found.get();
            } else if (s.parent != null && s.parent.hinted) {
              s.stale = true;
            } else {
              throw new RetryException();
            }
          });
        }
        if (found.isEmpty()) {
          if (s.parent != null && s.parent.hinted) {
            // The hint that skipped the parent is older than a merge there: read what it skipped instead.
            s.stale = true;
            return CompletableFuture.completedFuture(null);
          }
          // A child of an internal node vanishes only when a merge made its parent a leaf meanwhile.
          throw new RetryException();
        }
        s.node = found.get();
        if (s.node.state() == State.LEAF) {
          reader.rememberLeaf(codec, s.prefix);
        }
        return CompletableFuture.completedFuture(null);
      }));
    }
    List<Slot> expandedFrontier = next;
    return CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new))
        .thenCompose(v -> walk(unstale(expandedFrontier)));
  }

  /** Adds the wanted children of the internal (or splitting, or hinted) slot {@code s} to {@code out}. */
  private void expand(Slot s, List<Slot> out) {
    if (s.node.state() == State.SPLIT || s.node.state() == State.MERGE) {
      reader.nudge(codec, s.prefix);
    }
    for (char bit : new char[] {'0', '1'}) {
      String child = s.prefix + bit;
      if (!wanted(child)) {
        continue;
      }
      List<Item> share = null;
      if (s.node.state() == State.SPLIT) {
        share = new ArrayList<>();
        for (Item i : s.node.entries()) {
          if (i.bits().startsWith(child)) {
            share.add(i);
          }
        }
      }
      Slot c = new Slot(child, share, s);
      if (s.node.state() == State.INTERNAL && s.node.hintsInternal(bit) && child.length() < codec.bits()) {
        c.node = new TrieNode(State.INTERNAL, List.of(), s.node.hintBelow(bit));
        c.hinted = true;
      }
      out.add(c);
    }
  }

  /** Replaces the slots under each stale hint by the outermost node the hint skipped, to be read this time. */
  private List<Slot> unstale(List<Slot> frontier) {
    List<Slot> out = new ArrayList<>();
    List<Slot> redo = new ArrayList<>();
    for (Slot s : frontier) {
      if (s.stale) {
        redo.add(s.skipped());
      }
    }
    if (redo.isEmpty()) {
      return frontier;
    }
    for (Slot s : frontier) {
      Slot outer = null;
      for (Slot r : redo) {
        if (s.prefix.startsWith(r.prefix) && (outer == null || r.prefix.length() < outer.prefix.length())) {
          outer = r;
        }
      }
      if (outer == null) {
        out.add(s);
      } else if (out.isEmpty() || !out.get(out.size() - 1).prefix.equals(outer.prefix)) {
        out.add(new Slot(outer.prefix, outer.fallback, outer.parent));
      }
    }
    return out;
  }

  private List<Item> matching(TrieNode node) {
    List<Item> out = new ArrayList<>();
    for (Item i : node.entries()) {
      if (region.contains(i.bits(), i.entry().key())
          && (after.isEmpty() || Item.ORDER.compare(i, after.get()) > 0)) {
        out.add(i);
      }
    }
    return out;
  }

  private RangeWalk finish(List<Slot> frontier) {
    for (Slot s : frontier) {
      if (s.node == null) {
        more = true;
        break;
      }
      if (!isLeaf(s)) {
        continue;
      }
      for (Item i : matching(s.node)) {
        if (entries.size() == limit) {
          more = true;
          return this;
        }
        entries.add(i.entry());
      }
    }
    return this;
  }
}

