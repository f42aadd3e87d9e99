package dev.weft.query.calcite;

import dev.weft.query.catalog.Column;
import dev.weft.query.catalog.ColumnType;
import dev.weft.query.catalog.TableDefinition;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/** Calcite's types for weft's columns: a table's row type, and one column's type. Stateless. */
final class RowTypes {
  /** TIMESTAMP values are kept to the millisecond. */
  private static final int TIMESTAMP_PRECISION = 3;

  private RowTypes() {}

  /** The row of {@code table}: its columns in order, with their nullability. */
  static RelDataType of(RelDataTypeFactory factory, TableDefinition table) {
    RelDataTypeFactory.Builder b = factory.builder();
    for (Column c : table.columns()) {
      b.add(c.name(), column(factory, c));
    }
    return b.build();
  }

  /** The type of {@code column}, nullable as it is declared. */
  static RelDataType column(RelDataTypeFactory factory, Column column) {
    RelDataType t = switch (column.type()) {
      case INTEGER -> factory.createSqlType(SqlTypeName.INTEGER);
      case BIGINT -> factory.createSqlType(SqlTypeName.BIGINT);
      case DOUBLE -> factory.createSqlType(SqlTypeName.DOUBLE);
      case REAL -> factory.createSqlType(SqlTypeName.REAL);
      case DECIMAL -> column.precision() > 0
          ? factory.createSqlType(SqlTypeName.DECIMAL, column.precision(), column.scale())
          : factory.createSqlType(SqlTypeName.DECIMAL, factory.getTypeSystem().getMaxPrecision(SqlTypeName.DECIMAL),
              column.scale());
      // Unbounded to Calcite even when declared VARCHAR(n): Calcite would cut a longer value to n on INSERT without a
      // word, where PostgreSQL refuses it; weft's row check refuses it, naming the column (the length stays in the
      // catalog).
      case VARCHAR -> factory.createSqlType(SqlTypeName.VARCHAR);
      case BOOLEAN -> factory.createSqlType(SqlTypeName.BOOLEAN);
      case DATE -> factory.createSqlType(SqlTypeName.DATE);
      case TIMESTAMP -> factory.createSqlType(SqlTypeName.TIMESTAMP, TIMESTAMP_PRECISION);
    };
    return factory.createTypeWithNullability(t, column.nullable());
  }

  /** Whether {@code type} is one of the integer types, whose sums are exact {@code Long}s. */
  static boolean isInteger(ColumnType type) {
    return type == ColumnType.INTEGER || type == ColumnType.BIGINT;
  }
}
