package dev.weft.query.expr;

import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.TableDefinition;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import ch.qos.logback.classic.Level;
import org.slf4j.LoggerFactory;
import org.apache.calcite.DataContext;
import org.apache.calcite.config.Lex;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Planner;

/**
 * Calcite itself over an in-memory copy of a weft table: which rows a predicate selects when Calcite runs it, and the
 * filter condition Calcite plans for it. Column 0 must be an INTEGER row number.
 */
final class CalciteOracle implements AutoCloseable {
  private final Connection connection;
  private final FrameworkConfig config;

  /** The outcome of one predicate: the row numbers selected, or the error Calcite raised. */
  record Outcome(Set<Integer> ids, RuntimeException error) {}

  /** The condition Calcite planned, and the builder of its cluster. */
  record Condition(RexNode node, RexBuilder builder) {}

  CalciteOracle(TableDefinition table, List<Object[]> rows) throws SQLException {
    // Calcite logs every plan at DEBUG: hundreds of thousands of lines for this test.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.apache.calcite")).setLevel(Level.INFO);
    Properties props = new Properties();
    props.setProperty("lex", "JAVA");
    connection = DriverManager.getConnection("jdbc:calcite:", props);
    SchemaPlus root = connection.unwrap(CalciteConnection.class).getRootSchema();
    root.add(table.name(), new RowsTable(table, rows));
    config = Frameworks.newConfigBuilder().defaultSchema(root)
        .parserConfig(SqlParser.config().withLex(Lex.JAVA)).build();
  }

  /**
   * Which rows each predicate selects: {@code SELECT id, (p1) IS TRUE, (p2) IS TRUE, ... FROM t} — one statement for
   * many predicates (a statement per predicate costs a plan and a compilation each); {@code p IS TRUE} is what a
   * WHERE keeps. A statement that fails is split in halves until the failing predicates stand alone.
   */
  List<Outcome> select(String table, List<String> predicates) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT id");
    for (String p : predicates) {
      sql.append(", (").append(p).append(") IS TRUE");
    }
    sql.append(" FROM ").append(table);
    List<Outcome> out = new ArrayList<>();
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
      List<Set<Integer>> ids = new ArrayList<>();
      predicates.forEach(p -> ids.add(new HashSet<>()));
      while (rs.next()) {
        for (int i = 0; i < predicates.size(); i++) {
          if (rs.getBoolean(i + 2)) {
            ids.get(i).add(rs.getInt(1));
          }
        }
      }
      ids.forEach(x -> out.add(new Outcome(x, null)));
      return out;
    } catch (SQLException | RuntimeException e) {
      // Execution errors (division by zero) come wrapped in an SQLException, or bare from ResultSet.next().
      if (predicates.size() == 1) {
        return List.of(new Outcome(null, e instanceof RuntimeException r ? r : new RuntimeException(e)));
      }
    }
    int half = predicates.size() / 2;
    out.addAll(select(table, predicates.subList(0, half)));
    out.addAll(select(table, predicates.subList(half, predicates.size())));
    return out;
  }

  /** Runs {@code SELECT id FROM t WHERE p} with the given parameters: the rows Calcite's filter keeps. */
  Outcome where(String table, String predicate, Object... params) {
    try (PreparedStatement s = connection.prepareStatement("SELECT id FROM " + table + " WHERE " + predicate)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      Set<Integer> ids = new HashSet<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getInt(1));
        }
      }
      return new Outcome(ids, null);
    } catch (SQLException | RuntimeException e) {
      return new Outcome(null, e instanceof RuntimeException r ? r : new RuntimeException(e));
    }
  }

  /** The condition of the Filter Calcite's SQL-to-rel conversion gives for {@code SELECT * FROM t WHERE p}. */
  Condition condition(String table, String predicate) throws Exception {
    Planner planner = Frameworks.getPlanner(config);
    try {
      RelNode rel = planner.rel(planner.validate(planner.parse("SELECT * FROM " + table + " WHERE " + predicate)))
          .project();
      List<Filter> filters = new ArrayList<>();
      rel.accept(new RelShuttleImpl() {
        @Override
        public RelNode visit(LogicalFilter filter) {
          filters.add(filter);
          return super.visit(filter);
        }
      });
      if (filters.size() != 1) {
        throw new IllegalStateException("expected one filter in " + rel.explain());
      }
      return new Condition(filters.get(0).getCondition(), filters.get(0).getCluster().getRexBuilder());
    } finally {
      planner.close();
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }

  /** The rows as a Calcite table, with the Calcite types weft's columns stand for. */
  private static final class RowsTable extends AbstractTable implements ScannableTable {
    private final TableDefinition table;
    private final List<Object[]> rows;

    RowsTable(TableDefinition table, List<Object[]> rows) {
      this.table = table;
      this.rows = rows;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory f) {
      RelDataTypeFactory.Builder b = f.builder();
      for (Column c : table.columns()) {
        RelDataType t = switch (c.type()) {
          case DECIMAL -> f.createSqlType(SqlTypeName.DECIMAL, c.precision(), c.scale());
          case VARCHAR -> c.precision() > 0 ? f.createSqlType(SqlTypeName.VARCHAR, c.precision())
              : f.createSqlType(SqlTypeName.VARCHAR);
          case TIMESTAMP -> f.createSqlType(SqlTypeName.TIMESTAMP, 3);
          default -> f.createSqlType(SqlTypeName.valueOf(c.type().name()));
        };
        b.add(c.name(), f.createTypeWithNullability(t, c.nullable()));
      }
      return b.build();
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
      return Linq4j.asEnumerable(rows);
    }
  }
}
