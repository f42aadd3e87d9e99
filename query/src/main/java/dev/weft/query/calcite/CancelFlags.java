package dev.weft.query.calcite;

import java.lang.reflect.Field;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.avatica.AvaticaStatement;

/**
 * A JDBC statement's cancel flag: the object Calcite puts in each execution's DataContext, by which {@link
 * StatementContexts} knows the statement's executions. Avatica keeps it in a protected field and offers no getter, so
 * it is read by reflection (weft-query runs on the class path, where that is allowed). Stateless.
 */
final class CancelFlags {
  private static final Field FLAG;

  static {
    try {
      FLAG = AvaticaStatement.class.getDeclaredField("cancelFlag");
      FLAG.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private CancelFlags() {}

  /** The cancel flag of {@code statement}, a statement of a weft connection. */
  static AtomicBoolean of(Statement statement) throws SQLException {
    try {
      return (AtomicBoolean) FLAG.get(statement.unwrap(AvaticaStatement.class));
    } catch (IllegalAccessException e) {
      throw new SQLException("cannot read the statement's cancel flag", e);
    }
  }
}
