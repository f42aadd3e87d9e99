package dev.weft.distribution.cli;

import dev.weft.distribution.Main;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the common client commands once, on the class path they have (lib/ alone), for {@code bin/weft} to list the
 * classes they load ({@code -XX:DumpLoadedClassList}) and make its class-data sharing archive of them
 * (docs/benchmarks.md, "CLI start-up"). The commands talk to a stand-in on a loopback port that answers every request
 * with one JSON object (and {@code 404} for the key {@code missing}), so that the run needs no node and touches
 * nothing; their output is dropped. Exit code 0 when every command ran as expected, 1 otherwise (the launcher then
 * makes no archive).
 */
final class CdsTraining {
  private static final byte[] OBJECT = ("{\"namespace\":\"training\",\"key\":\"k\",\"value\":{\"a\":[1,\"x\",true,null,"
      + "1.50]},\"version\":\"1a2497ee7b30000-7b414458a7d0cf8d\",\"acknowledged\":1,\"attempted\":1,\"items\":[],"
      + "\"next\":null}").getBytes(StandardCharsets.UTF_8);
  private static final byte[] NOT_FOUND = "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8);

  private CdsTraining() {}

  public static void main(String[] args) throws IOException {
    System.exit(run() ? 0 : 1);
  }

  /** Runs the commands; true when each ended with the exit code it should. */
  static boolean run() throws IOException {
    AtomicReference<Socket> connection = new AtomicReference<>();
    try (ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
      Thread responder = new Thread(() -> answer(server, connection), "weft-cds-training");
      responder.setDaemon(true);
      responder.start();
      String api = "127.0.0.1:" + server.getLocalPort();
      // Each with its exit code: a command that failed for another reason would leave its path out of the archive.
      Map<List<String>, Integer> runs = Map.of(
          List.of("version"), Cli.OK,
          List.of("get", "--api", api, "training", "k"), Cli.OK,
          List.of("get", "--api", api, "--pretty", "training", "k"), Cli.OK,
          List.of("get", "--api", api, "training", "missing"), Cli.NOT_FOUND,
          List.of("put", "--api", api, "training", "k", "{\"a\":[1,\"x\",true,null,1.50]}"), Cli.OK,
          List.of("delete", "--api", api, "training", "k"), Cli.OK,
          List.of("lscan", "--api", api, "training"), Cli.OK,
          List.of("get", "--help"), Cli.OK,
          List.of("get", "--api", api), Cli.USAGE);
      boolean expected = true;
      for (Map.Entry<List<String>, Integer> run : runs.entrySet()) {
        PrintWriter out = new PrintWriter(Writer.nullWriter());
        Cli cli = new Cli(out, out, Map.of(), new ByteArrayInputStream(new byte[0]));
        expected &= Main.run(run.getKey().toArray(String[]::new), cli) == run.getValue();
      }
      return expected;
    } finally {
      // Ends the responder, which waits for more requests on the connection the client keeps alive.
      Socket open = connection.get();
      if (open != null) {
        open.close();
      }
    }
  }

  /**
   * Answers every request on {@code server} until it is closed: one connection at a time, each kept open for the
   * requests that follow on it, as a node's API does (the client's keep-alive classes belong in the archive too).
   */
  private static void answer(ServerSocket server, AtomicReference<Socket> connection) {
    while (true) {
      try (Socket socket = server.accept()) {
        connection.set(socket);
        InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        String head;
        while (!(head = head(in)).isEmpty()) {
          String requestLine = head.lines().findFirst().orElse("");
          long length = head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
              .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElse(0);
          in.skipNBytes(length);
          boolean missing = requestLine.contains("/missing ");
          byte[] body = missing ? NOT_FOUND : OBJECT;
          String status = missing ? "HTTP/1.1 404 Not Found" : "HTTP/1.1 200 OK";
          out.write((status + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          out.write(body);
          out.flush();
        }
      } catch (IOException | RuntimeException e) {
        if (server.isClosed()) {
          return;
        }
      }
    }
  }

  /** The request line and headers, up to the empty line; empty when the client closed the connection. */
  private static String head(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      head.append((char) c);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    return head.toString();
  }
}
