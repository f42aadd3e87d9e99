package dev.weft.query.calcite;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * weft's SQL types where Calcite's defaults differ from what users expect: AVG of an integer column is DOUBLE (Calcite
 * keeps the argument's type and truncates: AVG(1, 2) = 1), and SUM of TINYINT, SMALLINT or INTEGER is BIGINT (Calcite
 * keeps INTEGER and wraps around). Public only because Calcite instantiates it by name from the connection's {@code
 * typeSystem} property; stateless.
 */
public final class WeftTypeSystem extends RelDataTypeSystemImpl {
  /** The one instance, named in the connection properties. */
  public static final WeftTypeSystem INSTANCE = new WeftTypeSystem();

  private WeftTypeSystem() {}

  @Override
  public RelDataType deriveAvgAggType(RelDataTypeFactory factory, RelDataType argument) {
    if (isInteger(argument.getSqlTypeName())) {
      return factory.createTypeWithNullability(factory.createSqlType(SqlTypeName.DOUBLE), argument.isNullable());
    }
    return super.deriveAvgAggType(factory, argument);
  }

  @Override
  public RelDataType deriveSumType(RelDataTypeFactory factory, RelDataType argument) {
    SqlTypeName name = argument.getSqlTypeName();
    if (name == SqlTypeName.TINYINT || name == SqlTypeName.SMALLINT || name == SqlTypeName.INTEGER) {
      return factory.createTypeWithNullability(factory.createSqlType(SqlTypeName.BIGINT), argument.isNullable());
    }
    return super.deriveSumType(factory, argument);
  }

  private static boolean isInteger(SqlTypeName name) {
    return name == SqlTypeName.TINYINT || name == SqlTypeName.SMALLINT || name == SqlTypeName.INTEGER
        || name == SqlTypeName.BIGINT;
  }
}
