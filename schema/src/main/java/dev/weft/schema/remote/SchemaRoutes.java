package dev.weft.schema.remote;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Node;
import dev.weft.remote.Failures;
import dev.weft.remote.RemoteError;
import dev.weft.remote.RemoteException;
import dev.weft.remote.RemoteJson;
import dev.weft.remote.spi.GatewayOps;
import dev.weft.remote.spi.HttpCall;
import dev.weft.remote.spi.RemoteFeature;
import dev.weft.remote.spi.Route;
import dev.weft.schema.Global;
import dev.weft.schema.GlobalRefusedException;
import dev.weft.schema.Schema;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The HTTP routes of the schema, under {@code /v1/schema} (docs/http-api.md, "Globals"). Its reads are answered on the
 * server's thread: they copy from the node's memory and never wait for anything.
 *
 * <p>Public for {@link java.util.ServiceLoader}; not API.
 */
public final class SchemaRoutes implements RemoteFeature {
  private static final String GLOBAL = "/v1/schema/globals/{name}";

  @Override
  public String name() {
    return "schema";
  }

  @Override
  public Set<String> ops() {
    return SchemaOps.OPS;
  }

  @Override
  public Optional<GatewayOps> gatewayOps(Node node) {
    return node.service(Schema.class).map(SchemaOps::new);
  }

  @Override
  public List<Route> routes() {
    return List.of(
        new Route("GET", GLOBAL, SchemaRoutes::get),
        new Route("PUT", GLOBAL, SchemaRoutes::set),
        new Route("DELETE", GLOBAL, SchemaRoutes::remove),
        new Route("GET", "/v1/schema/globals", SchemaRoutes::globals),
        new Route("GET", "/v1/schema/watch", SchemaRoutes::watch),
        new Route("GET", "/v1/schema/stats", SchemaRoutes::stats),
        new Route("POST", "/v1/schema/sync", SchemaRoutes::sync));
  }

  private static Schema schema(HttpCall call) {
    return RemoteException.unsupportedWithout(() -> Schema.of(call.node()));
  }

  /**
   * Where a refused write of a global is answered otherwise than on the other routes: {@link GlobalRefusedException}
   * is the node refusing the write as things stand (it holds the most globals it may, or a newer version of the name),
   * 409. Others keep their own status: a rate limit is 429 everywhere, a closed node 503.
   */
  private static Throwable writeFailure(Throwable failure) {
    Throwable e = Failures.unwrap(failure);
    if (e instanceof GlobalRefusedException) {
      return new RemoteException(RemoteError.CONFLICT, e.getMessage());
    }
    return e;
  }

  private static void globals(HttpCall call) {
    call.query(Set.of());
    ObjectNode body = RemoteJson.object();
    ArrayNode items = body.putArray("globals");
    schema(call).globals().values().forEach(g -> items.add(SchemaForms.global(g)));
    call.ok(body);
  }

  private static void get(HttpCall call) {
    String name = call.path("name", "global name");
    call.query(Set.of());
    SchemaForms.name(name);
    Global global = schema(call).global(name).orElseThrow(() -> RemoteException.notFound("not found"));
    call.ok(SchemaForms.global(global));
  }

  private static void set(HttpCall call) {
    String name = call.path("name", "global name");
    call.query(Set.of());
    Schema schema = schema(call);
    call.readJson("value", value -> call.complete(() -> schema.setGlobal(name, value), SchemaForms::global,
        SchemaRoutes::writeFailure));
  }

  private static void remove(HttpCall call) {
    String name = call.path("name", "global name");
    call.query(Set.of());
    Schema schema = schema(call);
    call.complete(() -> schema.removeGlobal(name), SchemaForms::global, SchemaRoutes::writeFailure);
  }

  private static void stats(HttpCall call) {
    call.query(Set.of());
    Schema schema = schema(call);
    ObjectNode body = RemoteJson.MAPPER.valueToTree(schema.stats());
    body.put("digest", schema.digest());
    call.ok(body);
  }

  private static void sync(HttpCall call) {
    call.query(Set.of());
    Schema schema = schema(call);
    call.complete(schema::sync, RemoteJson.MAPPER::valueToTree);
  }

  private static void watch(HttpCall call) {
    call.query(Set.of());
    Schema schema = schema(call);
    call.stream(sink -> schema.addListener(g -> sink.accept(SchemaForms.global(g)))::close);
  }
}
