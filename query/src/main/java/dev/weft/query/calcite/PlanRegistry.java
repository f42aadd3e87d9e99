package dev.weft.query.calcite;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plans ({@link ScanPlan}, {@link ModifyPlan}) that generated code names by a string constant: the planner puts a
 * plan here and emits its key; the compiled code (which Calcite caches by its source, across connections) looks it up
 * when it runs. The key is the plan's complete description, so equal plans share one entry and an entry stays valid
 * for as long as code naming it may run. Interim: a scan's JSON form will replace it (then the constant is the
 * spec itself). Thread-safe.
 */
final class PlanRegistry {
  private static final Map<String, Object> PLANS = new ConcurrentHashMap<>();

  private PlanRegistry() {}

  /** Registers {@code plan} and returns its key. */
  static String put(Object plan) {
    String key = plan.toString();
    PLANS.putIfAbsent(key, plan);
    return key;
  }

  /** The plan registered under {@code key}. */
  static <T> T get(String key, Class<T> type) {
    Object plan = PLANS.get(key);
    if (plan == null) {
      throw new IllegalStateException("no plan registered under " + key);
    }
    return type.cast(plan);
  }
}
