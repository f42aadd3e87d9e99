package dev.weft.query.calcite;

import dev.weft.query.Coverage;
import dev.weft.query.data.QueryContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;

/**
 * One connection's {@link QueryContext}s: one per execution of a statement, made at its first call into the tables and
 * shared by all its scans and writes, and the latest one of each statement for {@link #coverage(AtomicBoolean)}.
 * Calcite gives each execution its own {@link DataContext}, holding the statement's cancel flag and its timeout (set by
 * {@code Statement.setQueryTimeout}). Thread-safe.
 */
final class StatementContexts {
  /** Statements whose coverage is kept; a connection rarely has more open at once. */
  private static final int STATEMENTS_KEPT = 256;

  private final StatementLimits limits;
  private final Map<DataContext, QueryContext> byExecution = new WeakHashMap<>();
  private final Map<AtomicBoolean, QueryContext> byStatement = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<AtomicBoolean, QueryContext> eldest) {
      return size() > STATEMENTS_KEPT;
    }
  };

  StatementContexts(StatementLimits limits) {
    this.limits = limits;
  }

  /** The context of the execution {@code root} belongs to. */
  synchronized QueryContext of(DataContext root) {
    QueryContext known = byExecution.get(root);
    if (known != null) {
      return known;
    }
    Object flag = root.get(DataContext.Variable.CANCEL_FLAG.camelName);
    AtomicBoolean cancel = flag instanceof AtomicBoolean b ? b : new AtomicBoolean();
    QueryContext previous = byStatement.get(cancel);
    if (previous != null && previous.isCancelled()) {
      // Avatica never clears a statement's flag: set for an earlier execution, it would cancel every later one.
      cancel.set(false);
    }
    Object millis = root.get(DataContext.Variable.TIMEOUT.camelName);
    Duration timeout = millis instanceof Number n && n.longValue() > 0 ? Duration.ofMillis(n.longValue())
        : limits.timeout();
    QueryContext context = new QueryContext(timeout, cancel, limits.allowPartial(), limits.maxRows(),
        limits.maxBytes());
    byExecution.put(root, context);
    byStatement.put(cancel, context);
    return context;
  }

  /** A context for DDL, which runs while a statement is prepared: no execution exists yet, so it cannot be cancelled. */
  QueryContext forDdl() {
    return new QueryContext(limits.timeout(), new AtomicBoolean(), limits.allowPartial(), limits.maxRows(),
        limits.maxBytes());
  }

  /** The coverage of the latest execution of the statement whose cancel flag is {@code flag}; LOCAL if it read none. */
  synchronized Coverage coverage(AtomicBoolean flag) {
    QueryContext c = byStatement.get(flag);
    return c == null ? Coverage.LOCAL : c.coverage();
  }
}
