package dev.weft.api.spi;

/**
 * Opens {@link LocalStore}s of one kind, chosen by {@link dev.weft.api.WeftConfig#STORAGE}. Found with {@link
 * java.util.ServiceLoader} ({@code META-INF/services/dev.weft.api.spi.StoreProvider}) or added to a builder by hand.
 */
public interface StoreProvider {
  /** The name users select, e.g. {@code memory}; unique among providers. */
  String name();

  /**
   * Opens (or creates) a store.
   *
   * @throws dev.weft.api.WeftException with a clear reason when it cannot (directory locked, unreadable, corrupt)
   */
  LocalStore open(StoreContext context);
}
