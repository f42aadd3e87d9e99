package dev.weft.transport.websocket;

import dev.weft.api.Address;
import dev.weft.api.WeftConfig;
import dev.weft.api.spi.transport.TransportProvider;
import dev.weft.testkit.TransportContract;
import dev.weft.transport.websocket.internal.WsTransportProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The transport contract over WebSocket with TLS: a self-signed certificate for 127.0.0.1, trusted explicitly. */
class WssTransportTest extends TransportContract {
  @TempDir
  static Path dir;
  private static Path keystore;

  @BeforeAll
  static void certificate() throws Exception {
    keystore = dir.resolve("node.p12");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "weft", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
        "-storepass", "secret-pass").redirectErrorStream(true).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(keystore)) {
      throw new IllegalStateException("keytool failed: " + new String(p.getInputStream().readAllBytes()));
    }
  }

  @Override
  protected WeftConfig config() {
    return WeftConfig.empty()
        .with(WebSocketSettings.KEYSTORE.key(), keystore.toString())
        .with(WebSocketSettings.KEYSTORE_PASSWORD.key(), "secret-pass")
        .with(WebSocketSettings.TRUSTSTORE.key(), keystore.toString())
        .with(WebSocketSettings.TRUSTSTORE_PASSWORD.key(), "secret-pass");
  }

  @Override
  protected TransportProvider provider() {
    return new WsTransportProvider.Secure();
  }

  @Override
  protected Address bindAddress() {
    return Address.parse("wss://127.0.0.1:0");
  }
}
