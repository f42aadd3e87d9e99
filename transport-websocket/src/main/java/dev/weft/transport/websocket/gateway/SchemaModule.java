package dev.weft.transport.websocket.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.remote.Failures;
import dev.weft.remote.RemoteError;
import dev.weft.remote.RemoteException;
import dev.weft.schema.Global;
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
final class SchemaModule implements Module {
  private final Schema schema;

  SchemaModule(Schema schema) {
    this.schema = schema;
  }

  @Override
  public String name() {
    return "schema";
  }

  @Override
  public Set<String> ops() {
    return Set.of("setGlobal", "getGlobal", "removeGlobal", "globals", "watch", "unwatch");
  }

  static ObjectNode global(Global g) {
    ObjectNode n = Wire.object().put("name", g.name());
    if (g.removed()) {
      n.put("removed", true);
    } else {
      n.set("value", g.value().get());
    }
    return n.put("version", g.version().toString());
  }

  private static String name(Args a) {
    String name = a.string("name", 128);
    if (!Schema.isValidName(name)) {
      throw RemoteException.badRequest("bad global name '" + name + "': use 1-128 characters of A-Z a-z 0-9 . _ : -,"
          + " starting with a letter, digit or _");
    }
    return name;
  }

  @Override
  public CompletableFuture<JsonNode> call(Module.Client client, Args a) {
    switch (a.op()) {
      case "setGlobal" -> {
        a.only("name", "value");
        return schema.setGlobal(name(a), a.json("value")).thenApply(SchemaModule::global);
      }
      case "removeGlobal" -> {
        a.only("name");
        return schema.removeGlobal(name(a)).thenApply(SchemaModule::global);
      }
      case "getGlobal" -> {
        a.only("name");
        return CompletableFuture.completedFuture(schema.global(name(a)).filter(g -> !g.removed())
            .<JsonNode>map(SchemaModule::global).orElse(NullNode.getInstance()));
      }
      case "globals" -> {
        a.only();
        ArrayNode all = Wire.MAPPER.createArrayNode();
        schema.globals().values().forEach(g -> all.add(global(g)));
        return CompletableFuture.completedFuture(all);
      }
      case "watch" -> {
        a.only("name");
        Optional<String> name = a.has("name") ? Optional.of(name(a)) : Optional.empty();
        GlobalListener forward = g -> client.event(global(g).put("t", "global"));
        boolean added = client.keep("global:" + name.orElse("*"), () -> name.isPresent()
            ? schema.addListener(name.get(), forward)::close : schema.addListener(forward)::close);
        return CompletableFuture.completedFuture(Wire.object().put("added", added));
      }
      case "unwatch" -> {
        a.only("name");
        Optional<String> name = a.has("name") ? Optional.of(name(a)) : Optional.empty();
        return CompletableFuture.completedFuture(Wire.object().put("removed",
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
