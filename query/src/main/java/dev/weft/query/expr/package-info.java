/**
 * The filter language sent to the nodes: {@link dev.weft.query.expr.Expr}, its wire form ({@link
 * dev.weft.query.expr.ExprJson}), its evaluation with Calcite's semantics ({@link dev.weft.query.expr.Evaluator}) and
 * the translation of Calcite's filters into it ({@link dev.weft.query.expr.RexTranslator}). See docs/query.md,
 * "Calcite plumbing".
 */
package dev.weft.query.expr;
