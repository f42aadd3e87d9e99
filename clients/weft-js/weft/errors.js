// The one error type of weft.js.

/** An error of weft: a request the node refused or could not serve, or a connection that ended. */
export class WeftError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "WeftError";
    this.code = code;
  }
}
