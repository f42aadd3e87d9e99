package dev.weft.schema.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.remote.RemoteException;
import dev.weft.remote.RemoteJson;
import dev.weft.schema.Global;
import dev.weft.schema.Schema;

/**
 * The schema's JSON on the HTTP API and the browser gateway, and the check of a global's name before the node is asked.
 *
 * @since 0.1.0
 */
public final class SchemaForms {
  private SchemaForms() {}

  /**
   * A global: {@code {name, value, version}}, or {@code {name, removed: true, version}} once removed; {@code removed}
   * stands where the value would be, so that a JSON {@code null} stays a value.
   */
  public static ObjectNode global(Global g) {
    ObjectNode n = RemoteJson.object().put("name", g.name());
    if (g.value().isPresent()) {
      n.set("value", g.value().get());
    } else {
      n.put("removed", true);
    }
    return n.put("version", g.version().toString());
  }

  /**
   * {@code name}, when it is a valid global name.
   *
   * @throws RemoteException {@code bad-request}, naming the rule, when it is not
   */
  public static String name(String name) {
    if (!Schema.isValidName(name)) {
      throw RemoteException.badRequest("bad global name '" + name + "': use 1-128 characters of A-Z a-z 0-9 . _ : -"
          + " starting with a letter, digit or _");
    }
    return name;
  }
}
