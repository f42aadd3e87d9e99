package dev.weft.kademlia.internal;

import dev.weft.api.Contact;
import dev.weft.api.NodeId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * One iterative Kademlia lookup (§2.3): keep a shortlist ordered by distance to the target, keep up to alpha requests in
 * flight to the closest contacts not yet asked, and stop when the closest {@code resultSize} live contacts have all
 * answered — or earlier, when {@code enough} says the answers collected suffice (a read that met its quorum).
 *
 * <p>A request that is not answered within its retransmit time is <em>stalled</em>: it no longer takes one of the
 * alpha places, so the lookup asks the next contact instead of waiting for the deadline (Kademlia §2.3, Bamboo's
 * timeouts); its answer is still used if it comes, and the lookup ends only when no stalled request is left.
 *
 * <p>Runs entirely on the node's event loop: the query futures must complete there.
 */
final class Lookup {
  enum State { WAITING, IN_FLIGHT, RESPONDED, FAILED }

  static final class Candidate {
    final Contact contact;
    final int hop;
    State state = State.WAITING;
    boolean stalled;
    Message answer;

    Candidate(Contact contact, int hop) {
      this.contact = contact;
      this.hop = hop;
    }
  }

  /**
   * The outcome.
   *
   * @param closest the closest contacts that answered, closest first, at most resultSize
   * @param answered every candidate that answered, with its answer, closest first
   * @param hops rounds of requests on the path to the answers
   * @param queried requests sent
   */
  record Result(List<Contact> closest, List<Candidate> answered, int hops, int queried) {}

  private final NodeId self;
  private final int resultSize;
  private final ToIntFunction<Lookup> parallelism;
  private final BiFunction<Contact, Runnable, CompletableFuture<Message>> query;
  private final Predicate<Lookup> enough;
  private final TreeMap<NodeId, Candidate> shortlist;
  private final CompletableFuture<Result> result = new CompletableFuture<>();
  private int inFlight;
  private int stalledInFlight;
  private int queried;

  Lookup(NodeId self, NodeId target, int resultSize, int alpha, Collection<Contact> seeds,
      BiFunction<Contact, Runnable, CompletableFuture<Message>> query, Predicate<Lookup> enough) {
    this(self, target, resultSize, l -> alpha, seeds, query, enough);
  }

  /**
   * @param parallelism how many requests may be in flight now; a read lowers it as answers with the value come in,
   *     so it does not ask more nodes than its quorum needs
   * @param query sends a request to a contact; the future completes on the loop, and the {@code Runnable} is to be
   *     run (on the loop, at most once, before the future completes) when the request stalls
   */
  Lookup(NodeId self, NodeId target, int resultSize, ToIntFunction<Lookup> parallelism, Collection<Contact> seeds,
      BiFunction<Contact, Runnable, CompletableFuture<Message>> query, Predicate<Lookup> enough) {
    this.self = self;
    this.resultSize = resultSize;
    this.parallelism = parallelism;
    this.query = query;
    this.enough = enough;
    this.shortlist = new TreeMap<>(target::compareDistance);
    for (Contact c : seeds) {
      add(c, 1);
    }
  }

  CompletableFuture<Result> start() {
    advance();
    return result;
  }

  /** Candidates that answered so far, closest first. */
  List<Candidate> answered() {
    List<Candidate> out = new ArrayList<>();
    for (Candidate c : shortlist.values()) {
      if (c.state == State.RESPONDED) {
        out.add(c);
      }
    }
    return out;
  }

  private void add(Contact c, int hop) {
    if (!c.id().equals(self)) {
      shortlist.putIfAbsent(c.id(), new Candidate(c, hop));
    }
  }

  private void advance() {
    if (result.isDone()) {
      return;
    }
    if (enough.test(this)) {
      finish();
      return;
    }
    // Pick first, send after: an answer may arrive synchronously and re-enter advance().
    int alpha = Math.max(1, parallelism.applyAsInt(this));
    List<Candidate> toSend = new ArrayList<>(alpha);
    int live = 0;
    for (Candidate c : shortlist.values()) {
      if (c.state == State.FAILED) {
        continue;
      }
      if (++live > resultSize || inFlight >= alpha) {
        break;
      }
      if (c.state == State.WAITING) {
        c.state = State.IN_FLIGHT;
        toSend.add(c);
        inFlight++;
      }
    }
    if (toSend.isEmpty() && inFlight == 0 && stalledInFlight == 0) {
      finish();
      return;
    }
    for (Candidate c : toSend) {
      send(c);
    }
  }

  private void send(Candidate c) {
    queried++;
    query.apply(c.contact, () -> stall(c)).whenComplete((answer, error) -> {
      if (c.stalled) {
        stalledInFlight--;
      } else {
        inFlight--;
      }
      if (error != null) {
        c.state = State.FAILED;
      } else {
        c.state = State.RESPONDED;
        c.answer = answer;
        for (Contact n : answer.contacts()) {
          add(n, c.hop + 1);
        }
      }
      advance();
    });
  }

  private void stall(Candidate c) {
    if (c.state != State.IN_FLIGHT || c.stalled) {
      return;
    }
    c.stalled = true;
    inFlight--;
    stalledInFlight++;
    advance();
  }

  private void finish() {
    List<Candidate> answered = answered();
    List<Contact> closest = new ArrayList<>();
    int hops = 0;
    for (Candidate c : answered) {
      if (closest.size() < resultSize) {
        closest.add(c.contact);
        hops = Math.max(hops, c.hop);
      }
    }
    result.complete(new Result(closest, answered, hops, queried));
  }
}
