/**
 * Rows on the nodes: their stored JSON form ({@link dev.weft.query.row.RowCodec}), their storage keys ({@link
 * dev.weft.query.row.RowKeys}) and a scan's filter, projection and partial aggregation over them ({@link
 * dev.weft.query.row.Fragment}). See docs/query.md, "Rows" and "Execution".
 */
package dev.weft.query.row;
