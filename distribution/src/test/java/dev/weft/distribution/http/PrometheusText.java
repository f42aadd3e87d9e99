package dev.weft.distribution.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of Prometheus' text exposition format (version 0.0.4), for tests: every line must be a {@code #
 * HELP}, a {@code # TYPE} or a sample of a family whose type was declared first, with well-formed labels and value.
 * Public: the ITs read a cluster's {@code /metrics} with it too.
 */
public final class PrometheusText {
  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
  private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)\\})? (\\S+)( -?\\d+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");
  private static final Set<String> SUFFIXES = Set.of("_total", "_count", "_sum", "_bucket", "_created", "_max");

  /** One sample: its metric name, labels and value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  final Map<String, String> types = new HashMap<>();
  final List<Sample> samples = new ArrayList<>();

  /** @throws IllegalArgumentException naming the first line that is not valid */
  public static PrometheusText parse(String text) {
    PrometheusText out = new PrometheusText();
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition must end with a newline");
    }
    int number = 0;
    for (String line : text.split("\n")) {
      number++;
      if (line.isEmpty()) {
        continue;
      }
      Matcher m;
      if ((m = TYPE.matcher(line)).matches()) {
        if (out.types.put(m.group(1), m.group(2)) != null) {
          throw new IllegalArgumentException("line " + number + ": second TYPE for " + m.group(1));
        }
      } else if (HELP.matcher(line).matches()) {
        continue;
      } else if (line.startsWith("#")) {
        throw new IllegalArgumentException("line " + number + ": unknown comment: " + line);
      } else if ((m = SAMPLE.matcher(line)).matches()) {
        String name = m.group(1);
        if (!out.types.containsKey(name) && !out.types.containsKey(family(name))) {
          throw new IllegalArgumentException("line " + number + ": sample of an undeclared family: " + line);
        }
        out.samples.add(new Sample(name, labels(m.group(3), number), value(m.group(4), number)));
      } else {
        throw new IllegalArgumentException("line " + number + ": not a sample: " + line);
      }
    }
    return out;
  }

  /** The sum of the samples named {@code name} whose labels include {@code labels}. */
  public double sum(String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value).sum();
  }

  public boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  private static String family(String name) {
    for (String suffix : SUFFIXES) {
      if (name.endsWith(suffix)) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }

  private static Map<String, String> labels(String text, int number) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    Matcher m = LABEL.matcher(text);
    int at = 0;
    while (at < text.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException("line " + number + ": bad labels: " + text);
      }
      out.put(m.group(1), m.group(2));
      at = m.end();
    }
    return out;
  }

  private static double value(String text, int number) {
    switch (text) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("line " + number + ": bad value " + text, e);
        }
    }
  }
}
