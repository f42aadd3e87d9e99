package com.example.plugins;

import dev.weft.api.Setting;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.spi.plugin.PluginProvider;
import java.util.List;

/** A third party's plugin (outside dev.weft), with the name it is given. */
public class ForeignPlugin implements PluginProvider {
  public static final Setting<Integer> SIZE = Setting.integer("weft.echo.size", 8, 1, 100, "how many echoes");

  private final String name;

  public ForeignPlugin(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(SIZE);
  }

  @Override
  public Plugin create(PluginContext context) {
    int size = context.config().get(SIZE);
    return () -> { };
  }

  /** Found by ServiceLoader (listed in a test's own META-INF/services): named {@code echo}. */
  public static final class Echo extends ForeignPlugin {
    public Echo() {
      super("echo");
    }
  }

  /** Another {@code echo}, in another jar. */
  public static final class OtherEcho extends ForeignPlugin {
    public OtherEcho() {
      super("echo");
    }
  }
}
