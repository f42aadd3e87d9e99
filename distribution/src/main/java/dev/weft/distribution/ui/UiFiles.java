package dev.weft.distribution.ui;

import dev.weft.distribution.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The web UI's static files under {@code /ui/}: read from the class path under {@value #RESOURCES}, so that a jar
 * holding them, dropped into {@code lib/}, is all it takes. The distribution's own jar carries them (from {@code
 * src/main/resources/weft-ui}); without any, {@code /ui/} answers 404. Public for the HTTP API's handler, which
 * hands it the requests under {@value #ROOT}.
 */
public final class UiFiles {
  /** The URL path the UI is served under. */
  public static final String ROOT = "/ui";
  /** The class path directory its files are read from. */
  static final String RESOURCES = "weft-ui/";

  /** Path segments a file may have: no hidden files, no {@code ..}, nothing to decode. */
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("json", "application/json"),
      Map.entry("map", "application/json"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("png", "image/png"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("woff2", "font/woff2"),
      Map.entry("txt", "text/plain; charset=utf-8"));

  private UiFiles() {}

  /** Answers a GET or HEAD of {@code path}, which is {@value #ROOT} or starts with {@code /ui/}. */
  public static void serve(String path, Request request, Response response, Callback callback) {
    if (path.equals(ROOT)) {
      Response.sendRedirect(request, response, callback, ROOT + "/");
      return;
    }
    String file = path.substring(ROOT.length() + 1);
    if (file.isEmpty() || file.endsWith("/")) {
      file = file + "index.html";
    }
    byte[] body = read(file);
    if (body == null) {
      error(response, callback, 404, "not found: " + path + (read("index.html") == null
          ? " (this build has no web UI: its files go in a jar under " + RESOURCES + ")" : ""));
      return;
    }
    int dot = file.lastIndexOf('.');
    String type = TYPES.getOrDefault(dot < 0 ? "" : file.substring(dot + 1).toLowerCase(Locale.ROOT),
        "application/octet-stream");
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    // Files change with the version, not while a node runs; revalidating costs one small request.
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    boolean head = request.getMethod().equals("HEAD");
    response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
  }

  /** The file's bytes, or null when there is no such file or its name is not one this serves. */
  private static byte[] read(String file) {
    for (String segment : file.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches()) {
        return null;
      }
    }
    try (InputStream in = UiFiles.class.getClassLoader().getResourceAsStream(RESOURCES + file)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }

  private static void error(Response response, Callback callback, int status, String message) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(Json.line(Json.error(message))), callback);
  }
}
