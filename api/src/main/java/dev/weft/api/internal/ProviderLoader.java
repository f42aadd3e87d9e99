package dev.weft.api.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The one place weft calls {@link ServiceLoader}. A provider that fails to load is logged and skipped so it cannot hide
 * the others; the result is sorted by class name so a classpath gives the same choice every time.
 *
 * <p>Internal: not part of the public API.
 */
public final class ProviderLoader {
  private static final System.Logger LOG = System.getLogger("dev.weft.providers");

  private ProviderLoader() {}

  /** Every provider of {@code type} visible from {@code loader}. */
  public static <S> List<S> load(Class<S> type, ClassLoader loader) {
    List<S> found = new ArrayList<>();
    Iterator<S> it = ServiceLoader.load(type, loader).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        found.add(it.next());
      } catch (ServiceConfigurationError e) {
        LOG.log(Level.WARNING, "skipping a " + type.getSimpleName() + " that failed to load: " + e.getMessage(), e);
      }
    }
    found.sort(Comparator.comparing(p -> p.getClass().getName()));
    return found;
  }

  /** Where a provider class came from, for the start-up log: jar file or directory. */
  public static String origin(Object provider) {
    try {
      var src = provider.getClass().getProtectionDomain().getCodeSource();
      return src == null ? "unknown" : src.getLocation().toString();
    } catch (SecurityException e) {
      return "unknown";
    }
  }
}
