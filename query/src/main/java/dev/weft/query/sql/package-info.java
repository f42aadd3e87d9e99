/**
 * weft's SQL syntax: the DDL nodes Calcite's core lacks ({@link dev.weft.query.sql.SqlCreateIndex}, {@link
 * dev.weft.query.sql.SqlDropIndex}); the parser itself, {@code dev.weft.query.sql.parser.WeftSqlParserImpl}, is
 * generated at build time from calcite-core's grammar template and {@code src/main/codegen}.
 */
package dev.weft.query.sql;
