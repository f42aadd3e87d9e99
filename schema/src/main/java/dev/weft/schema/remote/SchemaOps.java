package dev.weft.schema.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.weft.remote.Failures;
import dev.weft.remote.RemoteError;
import dev.weft.remote.RemoteException;
import dev.weft.remote.RemoteJson;
import dev.weft.remote.spi.GatewayOps;
import dev.weft.remote.spi.OpArgs;
import dev.weft.schema.GlobalListener;
import dev.weft.schema.GlobalRefusedException;
import dev.weft.schema.Schema;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code setGlobal}, {@code getGlobal}, {@code removeGlobal}, {@code globals}, and {@code watch}/{@code unwatch},
 * which send {@code global} events as the super-node learns new values. Reads answer from what the super-node knows.
 */
final class SchemaOps implements GatewayOps {
  private final Schema schema;

  SchemaOps(Schema schema) {
    this.schema = schema;
  }

  @Override
  public String name() {
    return "schema";
  }

  /** The ops, by name. */
  static final Set<String> OPS = Set.of("setGlobal", "getGlobal", "removeGlobal", "globals", "watch", "unwatch");

  private static String name(OpArgs a) {
    return SchemaForms.name(a.string("name", 128));
  }

  @Override
  public CompletableFuture<JsonNode> call(GatewayOps.Client client, OpArgs a) {
    switch (a.op()) {
      case "setGlobal" -> {
        a.only("name", "value");
        return schema.setGlobal(name(a), a.json("value")).thenApply(SchemaForms::global);
      }
      case "removeGlobal" -> {
        a.only("name");
        return schema.removeGlobal(name(a)).thenApply(SchemaForms::global);
      }
      case "getGlobal" -> {
        a.only("name");
        return CompletableFuture.completedFuture(schema.global(name(a)).filter(g -> !g.removed())
            .<JsonNode>map(SchemaForms::global).orElse(NullNode.getInstance()));
      }
      case "globals" -> {
        a.only();
        ArrayNode all = RemoteJson.MAPPER.createArrayNode();
        schema.globals().values().forEach(g -> all.add(SchemaForms.global(g)));
        return CompletableFuture.completedFuture(all);
      }
      case "watch" -> {
        a.only("name");
        Optional<String> name = a.has("name") ? Optional.of(name(a)) : Optional.empty();
        GlobalListener forward = g -> client.event(SchemaForms.global(g).put("t", "global"));
        boolean added = client.keep("global:" + name.orElse("*"), () -> name.isPresent()
            ? schema.addListener(name.get(), forward)::close : schema.addListener(forward)::close);
        return CompletableFuture.completedFuture(RemoteJson.object().put("added", added));
      }
      case "unwatch" -> {
        a.only("name");
        Optional<String> name = a.has("name") ? Optional.of(name(a)) : Optional.empty();
        return CompletableFuture.completedFuture(RemoteJson.object().put("removed",
            client.release("global:" + name.orElse("*"))));
      }
      default -> throw new IllegalStateException("not a schema op: " + a.op());
    }
  }

  @Override
  public Throwable refine(Throwable failure) {
    Throwable e = Failures.unwrap(failure);
    if (e instanceof GlobalRefusedException) {
      return new RemoteException(RemoteError.CONFLICT, e.getMessage());
    }
    return e;
  }
}
