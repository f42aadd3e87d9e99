package dev.weft.query.remote;

import dev.weft.query.Sql;
import dev.weft.remote.RemoteException;
import dev.weft.remote.spi.HttpCall;
import dev.weft.remote.spi.RemoteFeature;
import dev.weft.remote.spi.Route;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /v1/jdbc}: Avatica's JSON protocol ({@link JdbcEndpoint}), for JDBC clients on other machines. Every
 * answer is 200 with Avatica's response, its error responses included: Avatica's client sends a request again on a
 * 503, which would run a write twice, so this route answers a statement that outlasts the API's time limit with an
 * error response a little before the limit. On a node without the query plugin it answers {@code unsupported} (501).
 *
 * <p>Public for {@link java.util.ServiceLoader}; not API.
 */
public final class JdbcRoutes implements RemoteFeature {
  static final String PATH = "/v1/jdbc";
  private static final Duration MARGIN = Duration.ofSeconds(1);

  @Override
  public String name() {
    return "jdbc";
  }

  @Override
  public List<Route> routes() {
    return List.of(new Route("POST", PATH, JdbcRoutes::request));
  }

  private static void request(HttpCall call) {
    call.query(Set.of());
    // Sql.of names what is missing on a node without the query plugin; a node with it has the endpoint too.
    RemoteException.unsupportedWithout(() -> Sql.of(call.node()));
    JdbcEndpoint endpoint = call.node().service(JdbcEndpoint.class).orElseThrow();
    Duration limit = call.timeLimit();
    // A tenth of the limit, at most a second, before it: Avatica's error response rather than the route's 503.
    Duration within = limit.minus(limit.dividedBy(10).compareTo(MARGIN) < 0 ? limit.dividedBy(10) : MARGIN);
    call.readJson("Avatica request", body -> call.complete(() -> endpoint.handle(body.toString(), within),
        call::parseJson));
  }
}
