package dev.weft.api;

/** Entry point: {@code Node node = Weft.builder().listen("udp://127.0.0.1:0").build();}. */
public final class Weft {
  private Weft() {}

  /** A builder that discovers its providers on the classpath. */
  public static NodeBuilder builder() {
    return new NodeBuilder();
  }

  /** The version of the API jar, or {@code dev} when run from classes. */
  public static String version() {
    String v = Weft.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
