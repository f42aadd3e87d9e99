package dev.weft.query.remote;

import dev.weft.api.Node;
import dev.weft.query.QueryException;
import dev.weft.query.Sql;
import dev.weft.remote.Failures;
import dev.weft.remote.RemoteError;
import dev.weft.remote.RemoteJson;
import dev.weft.remote.RemoteException;
import dev.weft.remote.spi.GatewayOps;
import dev.weft.remote.spi.HttpCall;
import dev.weft.remote.spi.RemoteFeature;
import dev.weft.remote.spi.Route;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The HTTP routes of the SQL layer, and its gateway op ({@link SqlOps}) (docs/http-api.md, "SQL"): {@code POST /v1/sql} runs one statement and answers it
 * whole, {@code GET /v1/sql/tables} lists the tables with their columns, key and indexes, {@code GET /v1/sql/stats}
 * answers the node's query counters. On a node without the query plugin they answer {@code unsupported} (501), as other
 * features' routes do.
 *
 * <p>Which error a {@link QueryException} is: {@code INVALID} 400 (its message names line and column of a syntax
 * error), {@code ROWS_FAILED} and {@code CONFLICT} 409, {@code TOO_LARGE} 413, and {@code INCOMPLETE}, {@code TIMEOUT},
 * {@code CANCELLED}, {@code UNAVAILABLE} 503 (the network or the node could not serve it in time; trying again may
 * work). Every message starts with the reason in lower case ({@code "incomplete: ..."}) so that a client can tell the
 * 503s apart.
 *
 * <p>Public for {@link java.util.ServiceLoader}; not API.
 */
public final class SqlRoutes implements RemoteFeature {
  static final String STATEMENT = "/v1/sql";
  static final String TABLES = "/v1/sql/tables";
  static final String STATS = "/v1/sql/stats";
  static final String WATCH = "/v1/sql/watch";

  @Override
  public String name() {
    return "sql";
  }

  @Override
  public Set<String> ops() {
    return SqlOps.OPS;
  }

  @Override
  public Optional<GatewayOps> gatewayOps(Node node) {
    return node.service(Sql.class).map(SqlOps::new);
  }

  @Override
  public List<Route> routes() {
    return List.of(new Route("POST", STATEMENT, SqlRoutes::statement), new Route("POST", WATCH, SqlRoutes::watch),
        new Route("GET", TABLES, SqlRoutes::tables), new Route("GET", STATS, SqlRoutes::stats));
  }

  private static Sql sql(HttpCall call) {
    return RemoteException.unsupportedWithout(() -> Sql.of(call.node()));
  }

  private static void statement(HttpCall call) {
    call.query(Set.of());
    Sql sql = sql(call);
    call.readJson("statement", body -> {
      SqlRequest request = SqlRequest.of(body);
      call.complete(() -> sql.execute(request.options(), request.sql(), request.params()), SqlForms::result,
          SqlRoutes::failure);
    });
  }

  /**
   * A live query: the body as {@code POST /v1/sql}'s, the answer a stream of JSON lines ({@link SqlForms#event}) until
   * the client closes it; an event with {@code "closed": true} is the last.
   */
  private static void watch(HttpCall call) {
    call.query(Set.of());
    Sql sql = sql(call);
    call.readJson("statement", body -> {
      SqlRequest request = SqlRequest.of(body);
      call.stream(sink -> {
        try {
          return sql.watch(request.options(), request.sql(), e -> sink.accept(SqlForms.event(e)),
              request.params())::close;
        } catch (QueryException e) {
          throw (RuntimeException) failure(e);
        }
      });
    });
  }

  private static void tables(HttpCall call) {
    call.query(Set.of());
    Sql sql = sql(call);
    call.ok(SqlForms.tables(sql.tables(), sql::indexes));
  }

  private static void stats(HttpCall call) {
    call.query(Set.of());
    call.ok(RemoteJson.MAPPER.valueToTree(sql(call).stats()));
  }

  /** The answer to a failed statement; failures other than a {@link QueryException} are the face's to map. */
  static Throwable failure(Throwable failure) {
    Throwable e = Failures.unwrap(failure);
    if (!(e instanceof QueryException q)) {
      return e;
    }
    RemoteError error = switch (q.reason()) {
      case INVALID -> RemoteError.BAD_REQUEST;
      case ROWS_FAILED, CONFLICT -> RemoteError.CONFLICT;
      case TOO_LARGE -> RemoteError.TOO_LARGE;
      case INCOMPLETE, TIMEOUT, CANCELLED, UNAVAILABLE -> RemoteError.UNAVAILABLE;
    };
    return new RemoteException(error, reasonName(q.reason()) + ": " + q.getMessage());
  }

  /** {@code rows-failed} for {@code ROWS_FAILED}: the prefix of the message, in the style of the error codes. */
  static String reasonName(QueryException.Reason reason) {
    return reason.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
