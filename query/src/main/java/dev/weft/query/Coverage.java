package dev.weft.query;

/**
 * How complete an answer is (docs/query.md, "Completeness"): how many nodes the query was expected to reach, how many
 * answered, and whether that was everyone. Statements that touch no node (a primary-key get answered by the replicas,
 * DDL) report the replicas they read.
 *
 * @param nodes nodes the query was handed to, or expected to be, as far as the asking node learned
 * @param answered nodes whose answer arrived whole
 * @param complete whether every part of the network answered in time and nothing was unreachable
 */
public record Coverage(int nodes, int answered, boolean complete) {
  /** The coverage of a statement that needed no node's answer. */
  public static final Coverage LOCAL = new Coverage(0, 0, true);

  /** The coverage of two parts of one statement together: complete only when both are. */
  public Coverage plus(Coverage other) {
    return new Coverage(nodes + other.nodes, answered + other.answered, complete && other.complete);
  }
}
