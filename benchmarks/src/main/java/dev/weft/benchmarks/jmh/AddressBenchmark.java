package dev.weft.benchmarks.jmh;

import dev.weft.api.Address;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link Address#parse}: the decoder parses every address of every contact it reads, 21 for an answer to FIND_NODE,
 * so this is a large share of what decoding costs (see CodecBenchmark).
 *
 * <pre>benchmarks/jmh.sh Address</pre>
 *
 * <p>Public and not final: JMH generates subclasses of benchmark and state classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AddressBenchmark {
  @Param({"udp://127.0.0.1:41000", "ws://[::1]:8080/weft"})
  public String text;

  @Benchmark
  public Address parse() {
    return Address.parse(text);
  }
}
