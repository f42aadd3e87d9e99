package dev.weft.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.api.ConfigException;
import dev.weft.api.LookupFailedException;
import dev.weft.api.RateLimitedException;
import dev.weft.api.ValueTooLargeException;
import dev.weft.api.WeftException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class FailuresTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private static RemoteError error(Throwable e) {
    return Failures.of(e, TIMEOUT).error();
  }

  @Test
  void eachExceptionHasOneErrorOnEveryFace() {
    assertThat(error(new ValueTooLargeException("value", 2, 1))).isEqualTo(RemoteError.TOO_LARGE);
    assertThat(error(new RateLimitedException("slow down"))).isEqualTo(RemoteError.RATE_LIMITED);
    assertThat(error(new IllegalArgumentException("bad"))).isEqualTo(RemoteError.BAD_REQUEST);
    assertThat(error(new ConfigException("bad"))).isEqualTo(RemoteError.BAD_REQUEST);
    assertThat(error(new LookupFailedException("none"))).isEqualTo(RemoteError.UNAVAILABLE);
    assertThat(error(new WeftException("closed"))).isEqualTo(RemoteError.UNAVAILABLE);
    assertThat(error(new IllegalStateException("bug"))).isEqualTo(RemoteError.INTERNAL);
  }

  @Test
  void unwrapsCompletionAndKeepsItsOwnAnswers() {
    RemoteException own = RemoteException.notFound("not found");
    assertThat(Failures.of(new CompletionException(own), TIMEOUT)).isSameAs(own);
    RemoteException late = Failures.of(new CompletionException(new TimeoutException()), TIMEOUT);
    assertThat(late.error()).isEqualTo(RemoteError.UNAVAILABLE);
    assertThat(late.getMessage()).isEqualTo("the node did not answer within 3000 ms");
    assertThat(Failures.of(new CompletionException(new LookupFailedException("x")), TIMEOUT).getMessage())
        .isEqualTo("lookup failed: x");
  }

  @Test
  void closeCodesAre4000PlusTheStatusAndCodesAreUnique() {
    assertThat(RemoteError.TOO_LARGE.status()).isEqualTo(413);
    assertThat(RemoteError.TOO_LARGE.code()).isEqualTo("too-large");
    assertThat(RemoteError.TOO_LARGE.closeCode()).isEqualTo(4413);
    assertThat(Arrays.stream(RemoteError.values()).map(RemoteError::code).distinct()).hasSize(
        RemoteError.values().length);
    assertThat(Arrays.stream(RemoteError.values()).map(RemoteError::status).distinct()).hasSize(
        RemoteError.values().length);
  }
}
