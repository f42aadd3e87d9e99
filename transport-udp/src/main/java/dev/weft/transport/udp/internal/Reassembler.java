package dev.weft.transport.udp.internal;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Puts fragmented messages back together within bounded memory and time.
 *
 * <h2>Limits</h2>
 * A partial message holds a buffer of its full length from its first fragment on; that length counts against
 * {@code maxBytes} (all sources) and {@code maxBytesPerSource}, and every partial message against
 * {@code maxMessages}. To make room for a new message, the source's own oldest partial messages go first (a peer that
 * floods us mostly hurts itself), then the oldest overall; when the message count is the limit, the oldest message of
 * the source holding the most goes (else one source sending many tiny partial messages would push out everyone
 * else's). A message not complete {@code timeoutNanos} after its
 * first fragment is dropped, by {@link #expire} or when its next fragment arrives.
 *
 * <h2>Duplicates</h2>
 * A fragment that already arrived, or that belongs to a message completed within the last timeout, is ignored, so a
 * network that duplicates datagrams cannot make a message be delivered twice.
 *
 * <h2>Thread safety</h2>
 * Thread-safe: the receive thread calls {@link #accept}, the scheduler calls {@link #expire}; they share one lock.
 * Time is passed in (the node's {@link dev.weft.api.spi.Scheduler#nanoTime()}), so tests control it.
 *
 * @param <S> the source address type
 */
final class Reassembler<S> {
  private final long maxBytes;
  private final long maxBytesPerSource;
  private final int maxMessages;
  private final long timeoutNanos;
  private final int maxRemembered;

  private final Object lock = new Object();
  // Insertion order is creation order, and every message gets the same timeout: the eldest entry expires first.
  private final LinkedHashMap<Key<S>, Partial> partials = new LinkedHashMap<>();
  private final Map<S, Long> bytesBySource = new HashMap<>();
  private final Map<S, Integer> messagesBySource = new HashMap<>();
  private final LinkedHashMap<Key<S>, Long> completedAt = new LinkedHashMap<>();
  private long bytesHeld;
  private long duplicates;
  private long timedOut;
  private long evicted;

  /**
   * @param maxBytes bytes all partial messages may hold
   * @param maxBytesPerSource bytes the partial messages of one source may hold
   * @param maxMessages partial messages at once
   * @param timeoutNanos time from first fragment to completion
   */
  Reassembler(long maxBytes, long maxBytesPerSource, int maxMessages, long timeoutNanos) {
    if (maxBytes <= 0 || maxBytesPerSource <= 0 || maxMessages <= 0 || timeoutNanos <= 0) {
      throw new IllegalArgumentException("reassembly limits must be positive");
    }
    this.maxBytes = maxBytes;
    this.maxBytesPerSource = Math.min(maxBytesPerSource, maxBytes);
    this.maxMessages = maxMessages;
    this.timeoutNanos = timeoutNanos;
    // Remembering completed ids costs ~100 bytes each; four per possible partial message covers any realistic rate of
    // completion within one timeout, and when it does not, a late duplicate only opens a partial that expires.
    this.maxRemembered = (int) Math.min(4L * maxMessages, 65_536);
  }

  /**
   * Adds one fragment from {@code source}.
   *
   * @param now the current {@link dev.weft.api.spi.Scheduler#nanoTime()}
   * @return the whole message when this fragment completed it (the caller's to keep), else null
   * @throws MalformedFrameException when the fragment disagrees with earlier fragments of its message (it is dropped;
   *     the partial message stays) or can never fit the limits
   */
  byte[] accept(S source, Frame.Fragment fragment, long now) throws MalformedFrameException {
    Objects.requireNonNull(source, "source");
    Key<S> key = new Key<>(source, fragment.messageId());
    synchronized (lock) {
      Long doneAt = completedAt.get(key);
      if (doneAt != null) {
        if (now - doneAt <= timeoutNanos) {
          duplicates++;
          return null;
        }
        completedAt.remove(key);
      }
      Partial partial = partials.get(key);
      if (partial != null && now - partial.createdAt > timeoutNanos) {
        remove(key, partial);
        timedOut++;
        partial = null;
      }
      if (partial == null) {
        if (fragment.totalLength() > maxBytesPerSource) {
          throw new MalformedFrameException("message of " + fragment.totalLength()
              + " bytes exceeds the reassembly limit of " + maxBytesPerSource + " bytes per source");
        }
        makeRoom(source, fragment.totalLength());
        partial = new Partial(fragment, now);
        partials.put(key, partial);
        bytesHeld += partial.data.length;
        bytesBySource.merge(source, (long) partial.data.length, Long::sum);
        messagesBySource.merge(source, 1, Integer::sum);
      } else if (!partial.sameShape(fragment)) {
        throw new MalformedFrameException("fragment " + fragment.index() + " of message " + fragment.messageId()
            + " disagrees with earlier fragments (length " + fragment.totalLength() + "/" + partial.data.length
            + ", count " + fragment.count() + "/" + partial.count + ", chunk " + fragment.chunk() + "/" + partial.chunk
            + ", relayed " + fragment.relayed() + "/" + partial.relayed + ")");
      }
      if (!partial.add(fragment)) {
        duplicates++;
        return null;
      }
      if (partial.missing > 0) {
        return null;
      }
      remove(key, partial);
      completedAt.put(key, now);
      if (completedAt.size() > maxRemembered) {
        Iterator<Long> eldest = completedAt.values().iterator();
        eldest.next();
        eldest.remove();
      }
      return partial.data;
    }
  }

  /**
   * Drops the partial messages that timed out and forgets completed ids older than the timeout.
   *
   * @return how many partial messages were dropped
   */
  int expire(long now) {
    synchronized (lock) {
      int dropped = 0;
      Iterator<Map.Entry<Key<S>, Partial>> it = partials.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<Key<S>, Partial> e = it.next();
        if (now - e.getValue().createdAt <= timeoutNanos) {
          break;
        }
        it.remove();
        release(e.getKey().source, e.getValue());
        dropped++;
      }
      timedOut += dropped;
      Iterator<Long> done = completedAt.values().iterator();
      while (done.hasNext() && now - done.next() > timeoutNanos) {
        done.remove();
      }
      return dropped;
    }
  }

  /** Drops everything (the transport closed). */
  void clear() {
    synchronized (lock) {
      partials.clear();
      bytesBySource.clear();
      messagesBySource.clear();
      completedAt.clear();
      bytesHeld = 0;
    }
  }

  /** The current state and totals. */
  Stats stats() {
    synchronized (lock) {
      return new Stats(partials.size(), bytesHeld, duplicates, timedOut, evicted);
    }
  }

  /**
   * @param partialMessages messages being reassembled
   * @param partialBytes bytes they hold
   * @param duplicates fragments ignored because they had arrived before or their message was complete
   * @param timedOut partial messages dropped because they took longer than the timeout
   * @param evicted partial messages dropped to make room for newer ones
   */
  record Stats(int partialMessages, long partialBytes, long duplicates, long timedOut, long evicted) {}

  private void makeRoom(S source, int length) {
    long ofSource = bytesBySource.getOrDefault(source, 0L);
    Iterator<Map.Entry<Key<S>, Partial>> it = partials.entrySet().iterator();
    while (ofSource + length > maxBytesPerSource && it.hasNext()) {
      Map.Entry<Key<S>, Partial> e = it.next();
      if (e.getKey().source.equals(source)) {
        it.remove();
        release(source, e.getValue());
        ofSource -= e.getValue().data.length;
        evicted++;
      }
    }
    if (partials.size() >= maxMessages) {
      // One scan of at most maxMessages entries, only when the table is full.
      int most = messagesBySource.values().stream().mapToInt(Integer::intValue).max().orElse(0);
      for (it = partials.entrySet().iterator(); it.hasNext();) {
        Map.Entry<Key<S>, Partial> e = it.next();
        if (messagesBySource.get(e.getKey().source) == most) {
          it.remove();
          release(e.getKey().source, e.getValue());
          evicted++;
          break;
        }
      }
    }
    it = partials.entrySet().iterator();
    while ((bytesHeld + length > maxBytes || partials.size() >= maxMessages) && it.hasNext()) {
      Map.Entry<Key<S>, Partial> e = it.next();
      it.remove();
      release(e.getKey().source, e.getValue());
      evicted++;
    }
  }

  private void remove(Key<S> key, Partial partial) {
    partials.remove(key);
    release(key.source, partial);
  }

  private void release(S source, Partial partial) {
    bytesHeld -= partial.data.length;
    long size = partial.data.length;
    bytesBySource.computeIfPresent(source, (s, held) -> held == size ? null : held - size);
    messagesBySource.computeIfPresent(source, (s, held) -> held == 1 ? null : held - 1);
  }

  private record Key<S>(S source, int messageId) {}

  /** A message some of whose fragments have arrived. Guarded by the reassembler's lock. */
  private static final class Partial {
    final byte[] data;
    final int count;
    final int chunk;
    final boolean relayed;
    final long createdAt;
    final BitSet arrived;
    int missing;

    Partial(Frame.Fragment first, long now) {
      this.data = new byte[first.totalLength()];
      this.count = first.count();
      this.chunk = first.chunk();
      this.relayed = first.relayed();
      this.createdAt = now;
      this.arrived = new BitSet(count);
      this.missing = count;
    }

    boolean sameShape(Frame.Fragment f) {
      return f.totalLength() == data.length && f.count() == count && f.chunk() == chunk && f.relayed() == relayed;
    }

    /** Copies the fragment in; false when it had arrived already. */
    boolean add(Frame.Fragment f) {
      if (arrived.get(f.index())) {
        return false;
      }
      f.payload().duplicate().get(data, f.offset(), f.payload().remaining());
      arrived.set(f.index());
      missing--;
      return true;
    }
  }
}
