package dev.weft.kademlia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.plugins.ForeignPlugin;
import dev.weft.api.ConfigException;
import dev.weft.api.Node;
import dev.weft.api.NodeBuilder;
import dev.weft.api.Setting;
import dev.weft.api.Weft;
import dev.weft.api.spi.plugin.Plugin;
import dev.weft.api.spi.plugin.PluginContext;
import dev.weft.api.spi.plugin.PluginProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link NodeBuilder#build()} checks before anything opens: setting keys and values, plugin names. */
class BuilderChecksTest {
  private static NodeBuilder builder() {
    return Weft.builder().listen("udp://127.0.0.1:0");
  }

  @Test
  void anUnknownKeyIsRefusedNamingTheClosestKnownOne() {
    assertThatThrownBy(() -> builder().set("weft.kademlia.kk", "16").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown setting 'weft.kademlia.kk' (did you mean weft.kademlia.k?)");
    // Keys outside weft.* are the application's.
    builder().set("myapp.colour", "blue").build().close();
  }

  @Test
  void keysOfAModuleThatIsNotPresentAreRefused() {
    assertThatThrownBy(() -> builder().set("weft.ws.max-clients", "10").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown setting 'weft.ws.max-clients'")
        .hasMessageContaining("Is the module that reads it on the class path?")
        .hasMessageContaining("transport udp");
  }

  @Test
  void aPluginsSettingsAreKnownOnlyWithThePlugin() {
    assertThatThrownBy(() -> builder().set("weft.echo.size", "4").build())
        .hasMessageContaining("unknown setting 'weft.echo.size'");
    builder().addPlugin(new ForeignPlugin.Echo()).set("weft.echo.size", "4").build().close();
    assertThatThrownBy(() -> builder().addPlugin(new ForeignPlugin.Echo()).set("weft.echo.sise", "4").build())
        .hasMessageContaining("unknown setting 'weft.echo.sise' (did you mean weft.echo.size?)");
    // Disabled, its settings are still accepted (a shared configuration file), and still checked.
    builder().addPlugin(new ForeignPlugin.Echo()).set("weft.plugins.disabled", "echo").set("weft.echo.size", "4")
        .build().close();
    assertThatThrownBy(() -> builder().addPlugin(new ForeignPlugin.Echo()).set("weft.plugins.disabled", "echo")
        .set("weft.echo.size", "400").build())
        .hasMessage("invalid value for weft.echo.size: '400' (expected an integer from 1 to 100)");
  }

  @Test
  void everyDeclaredValueIsCheckedBeforeAnythingOpens() {
    // The value is read only when the UDP transport opens, and would fail there; it fails first, naming the range.
    assertThatThrownBy(() -> builder().set("weft.udp.datagram-bytes", "32").build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("weft.udp.datagram-bytes: '32'")
        .hasMessageContaining("from 64 to 65507");
    assertThatThrownBy(() -> builder().set(KademliaSettings.K, 99))
        .isInstanceOf(ConfigException.class).hasMessageContaining("an integer from 2 to 64");
    try (Node n = builder().set(KademliaSettings.K, 16).build()) {
      assertThat(n.addresses()).isNotEmpty();
    }
  }

  @Test
  void theCallerDeclaresItsOwnKeys() {
    Setting<Integer> mine = Setting.integer("weft.myapp.workers", 4, 1, 64, "workers of my application");
    assertThatThrownBy(() -> builder().set("weft.myapp.workers", "8").build())
        .hasMessageContaining("unknown setting 'weft.myapp.workers'");
    builder().declare(List.of(mine)).set("weft.myapp.workers", "8").build().close();
    assertThatThrownBy(() -> builder().declare(List.of(mine)).set("weft.myapp.workers", "0").build())
        .hasMessageContaining("weft.myapp.workers");
    // Declaring a key of the core or a module again, with a default of the caller's own, is no conflict.
    builder().declare(List.of(KademliaSettings.K.withDefault("16"))).build().close();
  }

  @Test
  void twoDifferentDeclarationsOfAKeyAreAnError() {
    Setting<Integer> clash = Setting.integer("weft.echo.size", 9, 1, 100, "another default");
    PluginProvider other = new PluginProvider() {
      @Override
      public String name() {
        return "other";
      }

      @Override
      public List<Setting<?>> settings() {
        return List.of(clash);
      }

      @Override
      public Plugin create(PluginContext context) {
        return () -> { };
      }
    };
    assertThatThrownBy(() -> builder().addPlugin(new ForeignPlugin.Echo()).addPlugin(other).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("two declarations of setting weft.echo.size")
        .hasMessageContaining("plugin 'echo'").hasMessageContaining("plugin 'other'");
  }

  @Test
  void pluginNamesFollowTheRules() {
    assertThatThrownBy(() -> builder().addPlugin(new ForeignPlugin("Echo")).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("invalid plugin name 'Echo'")
        .hasMessageContaining("com.example.plugins.ForeignPlugin");
    assertThatThrownBy(() -> builder().addPlugin(new ForeignPlugin("weft-tools")).build())
        .hasMessageContaining("plugin name 'weft-tools'").hasMessageContaining("is reserved for weft's own modules");
    assertThatThrownBy(() -> builder().addPlugin(new ForeignPlugin("pht")).build())
        .hasMessageContaining("plugin name 'pht' of plugin 'pht' (com.example.plugins.ForeignPlugin, added by hand)"
            + " is reserved for weft's own modules");
  }

  @Test
  void aForeignPluginTakingTheNameOfWeftsOwnIsNamedWithIt() {
    PluginProvider own = new PluginProvider() {
      @Override
      public String name() {
        return "messaging";
      }

      @Override
      public Plugin create(PluginContext context) {
        return () -> { };
      }
    };
    assertThatThrownBy(() -> builder().addPlugin(own).addPlugin(new ForeignPlugin("messaging")).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("plugin name 'messaging' of plugin 'messaging' (com.example.plugins.ForeignPlugin")
        .hasMessageContaining("taken here by plugin 'messaging' (" + own.getClass().getName());
  }

  @Test
  void twoDiscoveredPluginsOfOneNameAreAnErrorNamingBoth(@TempDir Path dir) throws IOException {
    Path services = dir.resolve("META-INF/services/dev.weft.api.spi.plugin.PluginProvider");
    Files.createDirectories(services.getParent());
    Files.writeString(services, ForeignPlugin.Echo.class.getName() + "\n" + ForeignPlugin.OtherEcho.class.getName()
        + "\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      assertThatThrownBy(() -> builder().classLoader(loader).build())
          .isInstanceOf(ConfigException.class).hasMessageContaining("two plugins named 'echo' on the class path")
          .hasMessageContaining(ForeignPlugin.Echo.class.getName())
          .hasMessageContaining(ForeignPlugin.OtherEcho.class.getName());
      // Added by hand, one of them replaces the discovered ones: the way to choose.
      try (Node n = builder().classLoader(loader).addPlugin(new ForeignPlugin.Echo()).build()) {
        assertThat(n.id()).isNotNull();
      }
    }
  }
}
