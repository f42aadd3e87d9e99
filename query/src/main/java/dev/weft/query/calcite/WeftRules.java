package dev.weft.query.calcite;

import java.util.List;
import org.apache.calcite.plan.RelOptRule;

/** weft's planner rules, added to every planner {@link WeftPrepare} makes and by every {@link WeftScan}. */
final class WeftRules {
  static final List<RelOptRule> ALL = List.of(WeftFilterRule.INSTANCE, WeftProjectRule.INSTANCE, WeftAggregateRule.INSTANCE,
      WeftSortRule.INSTANCE, WeftModifyRule.INSTANCE, WeftJoinRule.RIGHT, WeftJoinRule.LEFT,
      WeftRehashJoinRule.INSTANCE);

  private WeftRules() {}
}
