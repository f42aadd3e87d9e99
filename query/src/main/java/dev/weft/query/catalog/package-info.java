/**
 * The catalog's definitions: tables ({@link dev.weft.query.catalog.TableDefinition}: columns, primary key,
 * incarnation), as globals hold them and as DDL declares them ({@link dev.weft.query.catalog.Ddl}). See docs/query.md,
 * "Catalog".
 */
package dev.weft.query.catalog;
