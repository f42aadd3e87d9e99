package dev.weft.query.catalog;

import dev.weft.query.sql.SqlCreateIndex;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.schema.ColumnStrategy;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.ddl.SqlColumnDeclaration;
import org.apache.calcite.sql.ddl.SqlCreateTable;
import org.apache.calcite.sql.ddl.SqlKeyConstraint;

/** From parsed DDL to catalog definitions (tables and indexes): what the statement declares, checked, or an error that says what is wrong. */
public final class Ddl {
  private Ddl() {}

  /**
   * The definition {@code create} declares, as incarnation {@code incarnation}. Primary-key columns are NOT NULL, as
   * the SQL standard makes them, whether or not the statement says so.
   *
   * @throws IllegalArgumentException for what weft does not hold (a qualified name, CREATE TABLE AS, a DEFAULT, an
   *     unknown type) or a declaration that contradicts itself (two primary keys, a duplicate column)
   */
  public static TableDefinition createTable(SqlCreateTable create, String incarnation) {
    String table = simple(create.name, "table");
    if (create.query != null) {
      throw new IllegalArgumentException("CREATE TABLE " + table + " AS SELECT is not supported: create the table,"
          + " then INSERT INTO " + table + " SELECT ...");
    }
    List<SqlColumnDeclaration> declared = new ArrayList<>();
    List<String> key = null;
    SqlNodeList elements = create.columnList;
    if (elements == null || elements.isEmpty()) {
      throw new IllegalArgumentException("table " + table + " declares no columns");
    }
    for (SqlNode e : elements) {
      if (e instanceof SqlColumnDeclaration c) {
        declared.add(c);
      } else if (e instanceof SqlKeyConstraint k && k.getKind() == SqlKind.PRIMARY_KEY) {
        if (key != null) {
          throw new IllegalArgumentException("table " + table + " declares more than one PRIMARY KEY");
        }
        key = new ArrayList<>();
        for (SqlNode col : (SqlNodeList) k.getOperandList().get(1)) {
          key.add(simple((SqlIdentifier) col, "primary key column"));
        }
      } else {
        throw new IllegalArgumentException("table " + table + ": " + e.getKind() + " constraints are not supported");
      }
    }
    Set<String> keyColumns = new HashSet<>(key == null ? List.of() : key);
    List<Column> columns = new ArrayList<>();
    for (SqlColumnDeclaration c : declared) {
      String name = simple(c.name, "column");
      if (c.expression != null) {
        throw new IllegalArgumentException("column " + name + ": DEFAULT and generated columns are not supported");
      }
      columns.add(column(table, name, c.dataType, keyColumns.contains(name) || c.strategy
          == ColumnStrategy.NOT_NULLABLE));
    }
    return new TableDefinition(table, columns, key == null ? List.of() : key, incarnation);
  }

  /**
   * The index {@code create} declares over {@code table} (the current definition of the table it names), with the
   * random {@code id} of this creation.
   *
   * @throws IllegalArgumentException when the statement names another table, a qualified name, or a column the table
   *     lacks
   */
  public static IndexDefinition createIndex(SqlCreateIndex create, TableDefinition table, String id) {
    String name = simple(create.name(), "index");
    String on = simple(create.table(), "table");
    if (!on.equals(table.name())) {
      throw new IllegalArgumentException("index " + name + " is on table " + on + ", not " + table.name());
    }
    List<String> columns = new ArrayList<>();
    for (SqlNode c : create.columns()) {
      columns.add(simple((SqlIdentifier) c, "indexed column"));
    }
    return IndexDefinition.on(name, table, columns, create.unique(), id);
  }

  private static Column column(String table, String name, SqlDataTypeSpec spec, boolean notNull) {
    String typeName = spec.getTypeName().getSimple();
    ColumnType type = ColumnType.named(typeName).orElseThrow(() -> new IllegalArgumentException("column " + name
        + " of table " + table + ": type " + typeName + " is not supported (INTEGER, BIGINT, DOUBLE, REAL, DECIMAL,"
        + " VARCHAR, BOOLEAN, DATE, TIMESTAMP)"));
    int precision = 0;
    int scale = 0;
    if (spec.getTypeNameSpec() instanceof SqlBasicTypeNameSpec basic) {
      precision = Math.max(0, basic.getPrecision());
      scale = Math.max(0, basic.getScale());
    }
    if (!type.takesPrecision() && precision > 0) {
      // FLOAT(24) and the like: the precision only picks among binary floating types, and weft has one of each.
      precision = 0;
      scale = 0;
    }
    return new Column(name, type, !notNull, precision, scale);
  }

  private static String simple(SqlIdentifier id, String what) {
    if (!id.isSimple()) {
      throw new IllegalArgumentException(what + " " + id + ": qualified names are not supported");
    }
    return id.getSimple();
  }
}
