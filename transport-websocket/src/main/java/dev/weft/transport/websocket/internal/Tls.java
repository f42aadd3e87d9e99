package dev.weft.transport.websocket.internal;

import dev.weft.api.ConfigException;
import dev.weft.api.WeftConfig;
import dev.weft.transport.websocket.WebSocketSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * TLS of the {@code wss} scheme: the key store a listening node presents ({@value WebSocketSettings#KEYSTORE}) and
 * the trust store its outgoing connections check peers against ({@value WebSocketSettings#TRUSTSTORE}, else the
 * JVM's default trust: certificates from a public authority).
 */
final class Tls {
  private final SslContextFactory.Server server;
  private final SSLSocketFactory clientSockets;

  private Tls(SslContextFactory.Server server, SSLSocketFactory clientSockets) {
    this.server = server;
    this.clientSockets = clientSockets;
  }

  /**
   * Reads the stores named in {@code config}.
   *
   * @param listening whether this node listens (then it needs a key store)
   * @throws ConfigException naming the setting that is missing or wrong
   */
  static Tls of(WeftConfig config, boolean listening) {
    SslContextFactory.Server server = null;
    if (listening) {
      String keystore = config.find(WebSocketSettings.KEYSTORE).orElseThrow(() -> new ConfigException(
          "listening on wss:// needs a key store: set " + WebSocketSettings.KEYSTORE + " (and "
              + WebSocketSettings.KEYSTORE_PASSWORD + ")"));
      String password = config.find(WebSocketSettings.KEYSTORE_PASSWORD).orElse("");
      load(keystore, password, WebSocketSettings.KEYSTORE);
      server = new SslContextFactory.Server();
      server.setKeyStorePath(keystore);
      server.setKeyStorePassword(password);
    }
    SSLContext context;
    try {
      Optional<String> truststore = config.find(WebSocketSettings.TRUSTSTORE);
      if (truststore.isPresent()) {
        KeyStore trusted = load(truststore.get(), config.find(WebSocketSettings.TRUSTSTORE_PASSWORD).orElse(""),
            WebSocketSettings.TRUSTSTORE);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
      } else {
        context = SSLContext.getDefault();
      }
    } catch (GeneralSecurityException e) {
      throw new ConfigException("cannot set up TLS for wss://: " + e.getMessage());
    }
    return new Tls(server, context.getSocketFactory());
  }

  private static KeyStore load(String path, String password, dev.weft.api.Setting<String> setting) {
    Path p = Path.of(path);
    if (!Files.isReadable(p)) {
      throw new ConfigException(setting + ": cannot read " + path);
    }
    try (InputStream in = Files.newInputStream(p)) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(in, password.toCharArray());
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException(setting + ": cannot load " + path + ": " + e.getMessage());
    }
  }

  SslContextFactory.Server server() {
    return server;
  }

  SSLSocketFactory clientSockets() {
    return clientSockets;
  }
}
