/** Globals replicated to every node: {@link dev.weft.schema.Schema}. */
package dev.weft.schema;
