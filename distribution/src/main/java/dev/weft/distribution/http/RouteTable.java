package dev.weft.distribution.http;

import dev.weft.remote.spi.RemoteFeature;
import dev.weft.remote.spi.Route;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of the HTTP API, each declared once (method + template + handler): the same table finds a request's
 * handler, says which methods a path takes (405 and {@code Allow}), names the request timers by template, and lists
 * the templates in a 404. The node's own routes come from the distribution, the features' from their {@link
 * RemoteFeature}s.
 *
 * <p>Immutable, thread-safe.
 */
final class RouteTable {
  private static final Logger LOG = LoggerFactory.getLogger(RouteTable.class);

  /** The routes by template, the methods of each in declaration order; templates in declaration order too. */
  private final Map<String, Map<String, Route>> byTemplate = new LinkedHashMap<>();
  /** The templates split in segments, most literal segments first, so that a literal beats a variable. */
  private final List<List<String>> templates;

  RouteTable(List<Route> routes) {
    for (Route r : routes) {
      if (byTemplate.computeIfAbsent(r.template(), t -> new LinkedHashMap<>()).putIfAbsent(r.method(), r) != null) {
        throw new IllegalArgumentException("two routes " + r.method() + " " + r.template());
      }
    }
    templates = byTemplate.values().stream().map(m -> m.values().iterator().next().segments())
        .sorted(Comparator.comparingLong(RouteTable::variables)).toList();
  }

  /** The distribution's routes, then those of every {@link RemoteFeature} on the class path. */
  static RouteTable of(List<Route> own) {
    List<Route> all = new ArrayList<>(own);
    List<RemoteFeature> features = new ArrayList<>();
    ServiceLoader.load(RemoteFeature.class, RouteTable.class.getClassLoader()).forEach(features::add);
    // The order of the class path is no order: the 404's list reads the same on every machine.
    features.sort(Comparator.comparing(RemoteFeature::name));
    for (RemoteFeature f : features) {
      LOG.debug("HTTP routes of {}: {}", f.name(), f.routes().size());
      all.addAll(f.routes());
    }
    return new RouteTable(all);
  }

  private static long variables(List<String> segments) {
    return segments.stream().filter(Route::isVariable).count();
  }

  /** A path that matched a template: its routes by method and the values of its variables, still percent-encoded. */
  record Match(String template, Map<String, Route> byMethod, Map<String, String> variables) {
    /** The methods the path takes, as {@code Allow} lists them. */
    String allowed() {
      return String.join(", ", byMethod.keySet());
    }
  }

  /** The template {@code path} matches, if any. */
  Optional<Match> match(String path) {
    if (path == null || !path.startsWith("/")) {
      return Optional.empty();
    }
    String[] segments = path.substring(1).split("/", -1);
    for (List<String> template : templates) {
      Map<String, String> variables = matches(template, segments);
      if (variables != null) {
        String name = "/" + String.join("/", template);
        return Optional.of(new Match(name, byTemplate.get(name), variables));
      }
    }
    return Optional.empty();
  }

  private static Map<String, String> matches(List<String> template, String[] segments) {
    if (template.size() != segments.length) {
      return null;
    }
    Map<String, String> variables = new LinkedHashMap<>();
    for (int i = 0; i < segments.length; i++) {
      String t = template.get(i);
      if (Route.isVariable(t)) {
        variables.put(t.substring(1, t.length() - 1), segments[i]);
      } else if (!t.equals(segments[i])) {
        return null;
      }
    }
    return variables;
  }

  /** Every template, in declaration order, for the message of a 404. */
  Set<String> templates() {
    return new LinkedHashSet<>(byTemplate.keySet());
  }
}
