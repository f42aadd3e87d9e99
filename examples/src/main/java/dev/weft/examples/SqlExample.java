package dev.weft.examples;

import static java.util.concurrent.TimeUnit.SECONDS;

import dev.weft.api.Node;
import dev.weft.api.Weft;
import dev.weft.query.Sql;
import dev.weft.query.SqlResult;

/** Tables and SQL over two nodes (needs weft-query, which needs weft-schema and weft-messaging). */
public final class SqlExample {
  private SqlExample() {}

  public static void main(String[] args) throws Exception {
    try (Node node = Weft.builder().listen("udp://127.0.0.1:0").build();
         Node other = Weft.builder().listen("udp://127.0.0.1:0").build()) {
      other.join(node.addresses()).get(10, SECONDS);
      Sql sql = Sql.of(node);
      sql.execute("CREATE TABLE task (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, done BOOLEAN)").get();
      sql.execute("INSERT INTO task VALUES (1, 'ann', false), (2, 'bob', true), (3, 'ann', true)").get();
      sql.execute("UPDATE task SET done = true WHERE id = ?", 1).get();   // ? parameters, bound in order

      SqlResult open = Sql.of(other).query("SELECT owner, COUNT(*) AS n FROM task WHERE done GROUP BY owner"
          + " ORDER BY owner").get();                                    // any node answers, from every node's rows
      open.rows().forEach(row -> System.out.println(row.get(0) + " done " + row.get(1)));
      System.out.println("complete: " + open.coverage().complete() + ", nodes answered: "
          + open.coverage().answered() + " of " + open.coverage().nodes());
    }
  }
}
