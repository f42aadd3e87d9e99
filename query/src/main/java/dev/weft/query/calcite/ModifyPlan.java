package dev.weft.query.calcite;

import dev.weft.query.catalog.TableDefinition;
import java.util.List;

/**
 * A planned write: the table as planned against, what the statement does, and for UPDATE the table columns it sets (in
 * the order their new values follow the old row in each input row). Immutable.
 */
record ModifyPlan(TableDefinition table, Kind kind, List<Integer> updateColumns) {
  /** The statements that write rows. */
  enum Kind { INSERT, UPSERT, UPDATE, DELETE }

  ModifyPlan {
    updateColumns = List.copyOf(updateColumns);
  }
}
