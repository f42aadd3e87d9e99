package dev.weft.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of this distribution, written into {@code version.properties} by the build. Public: {@code weft version}
 * and the node's {@code /v1/info} report it.
 */
public final class Versions {
  private static final String VERSION = load();

  private Versions() {}

  /** For example {@code 0.1.0}; {@code dev} when the resource was not filtered (running from an IDE). */
  public static String weft() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = Versions.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "dev");
      return v.startsWith("${") ? "dev" : v;
    } catch (IOException e) {
      return "dev";
    }
  }
}
