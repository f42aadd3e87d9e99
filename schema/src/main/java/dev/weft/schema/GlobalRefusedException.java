package dev.weft.schema;

import dev.weft.api.WeftException;

/** A write of a global that this node refuses as things stand; nothing was changed. */
public final class GlobalRefusedException extends WeftException {
  private static final long serialVersionUID = 1L;

  /** Why the write was refused. */
  public enum Reason {
    /** The node holds {@link SchemaSettings#MAX_GLOBALS} names already: remove some first. */
    TOO_MANY_GLOBALS,
    /** The values this node holds would exceed {@link SchemaSettings#MAX_TOTAL_BYTES}: remove or shrink some first. */
    TOO_MANY_BYTES,
    /** The name has a version newer than this node's clock: its writer's clock runs ahead of this node's. */
    NEWER_VERSION
  }

  private final Reason reason;

  public GlobalRefusedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
