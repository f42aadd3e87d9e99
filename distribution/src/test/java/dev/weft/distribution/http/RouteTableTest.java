package dev.weft.distribution.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.remote.spi.Route;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class RouteTableTest {
  private static final Route.Handler NONE = call -> { };

  @Test
  void aLiteralSegmentBeatsAVariableAndTheTemplateNamesTheRoute() {
    RouteTable table = new RouteTable(List.of(new Route("GET", "/v1/things/{id}", NONE),
        new Route("PUT", "/v1/things/{id}", NONE), new Route("GET", "/v1/things/all", NONE)));
    RouteTable.Match all = table.match("/v1/things/all").orElseThrow();
    assertThat(all.template()).isEqualTo("/v1/things/all");
    RouteTable.Match one = table.match("/v1/things/a%2Fb").orElseThrow();
    assertThat(one.template()).isEqualTo("/v1/things/{id}");
    assertThat(one.variables()).isEqualTo(Map.of("id", "a%2Fb"));
    assertThat(one.allowed()).isEqualTo("GET, PUT");
    assertThat(table.match("/v1/things")).isEmpty();
    assertThat(table.match("/v1/things/a/b")).isEmpty();
    assertThat(table.templates()).containsExactly("/v1/things/{id}", "/v1/things/all");
  }

  @Test
  void featuresFoundOnTheClassPathAddTheirRoutes() {
    RouteTable table = RouteTable.of(List.of());
    assertThat(table.templates()).contains("/v1/messages/stream", "/v1/schema/globals/{name}",
        "/v1/pht/indexes/{index}/entries");
  }

  @Test
  void aRouteIsDeclaredOnce() {
    assertThatThrownBy(() -> new RouteTable(List.of(new Route("GET", "/a", NONE), new Route("GET", "/a", NONE))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
