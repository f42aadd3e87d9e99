package dev.weft.remote.spi;

import java.util.List;
import java.util.Objects;

/**
 * One route of the HTTP API: a method, a path template and what answers it. The template's segments are literal or
 * a variable in braces, one segment each ({@code /v1/pht/indexes/{index}/entries}); the template is also the route's
 * name in the request metrics, and the list of templates is what a 404 names.
 *
 * @param method the HTTP method, e.g. {@code GET}
 * @param template the path template, starting with {@code /}
 * @param handler what answers it
 * @since 0.1.0
 */
public record Route(String method, String template, Handler handler) {
  public Route {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(handler, "handler");
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("a route template starts with /: " + template);
    }
  }

  /** A route's handler. */
  @FunctionalInterface
  public interface Handler {
    /** Answers {@code call}; see {@link HttpCall} for the rules. */
    void handle(HttpCall call);
  }

  /** The template's segments, without the leading {@code /}. */
  public List<String> segments() {
    return List.of(template.substring(1).split("/", -1));
  }

  /** Whether a template segment is a variable, {@code {name}}. */
  public static boolean isVariable(String segment) {
    return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
  }
}
