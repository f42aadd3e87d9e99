package dev.weft.pht.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WriteGateTest {
  @Test
  void runsAtMostTheLimitAtOnceAndTheRestInOrder() {
    WriteGate gate = new WriteGate(2, Runnable::run);
    List<CompletableFuture<Integer>> pending = new ArrayList<>();
    List<Integer> started = new ArrayList<>();
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      results.add(gate.run(() -> {
        started.add(n);
        CompletableFuture<Integer> f = new CompletableFuture<>();
        pending.add(f);
        return f;
      }));
    }
    assertThat(started).containsExactly(0, 1);
    assertThat(gate.waiting()).isEqualTo(3);
    pending.get(1).complete(1);
    assertThat(started).containsExactly(0, 1, 2);
    pending.get(0).completeExceptionally(new IllegalStateException("keeper gone"));
    assertThat(started).as("a failure frees its place too").containsExactly(0, 1, 2, 3);
    assertThat(results.get(0)).isCompletedExceptionally();
    assertThat(results.get(1)).isCompletedWithValue(1);
    pending.get(2).complete(2);
    pending.get(3).complete(3);
    pending.get(4).complete(4);
    assertThat(results).allMatch(CompletableFuture::isDone);
    assertThat(gate.waiting()).isZero();
  }

  @Test
  void anOperationThatThrowsFailsItsFutureAndFreesItsPlace() {
    WriteGate gate = new WriteGate(1, Runnable::run);
    CompletableFuture<Object> bad = gate.run(() -> {
      throw new IllegalArgumentException("bad key");
    });
    assertThat(bad).isCompletedExceptionally();
    assertThat(gate.run(() -> CompletableFuture.completedFuture("next"))).isCompletedWithValue("next");
  }
}
