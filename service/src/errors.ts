/**
 * Why reading a document failed, and what a client is told. Every failure the store or the cache can produce is a
 * DocumentError of one kind; the HTTP layer maps the kind to a status and never shows the cause.
 */

/** What went wrong upstream. */
export type FailureKind =
  /** S3 did not answer within the budget (SDK attempt timeout, or the request's own deadline). */
  | "timeout"
  /** S3 could not be reached, answered 5xx, or throttled us: worth retrying later. */
  | "unavailable"
  /** S3 refused our credentials or permissions: a deployment problem, not the client's. */
  | "denied"
  /** The object is larger than MAX_DOCUMENT_BYTES. */
  | "too-large"
  /** The object is not valid JSON, so it is never served as JSON. */
  | "invalid-json"
  /** Any other upstream answer we cannot use (missing bucket, malformed response). */
  | "upstream";

/** The HTTP status each failure becomes. 5xx only: none of these is the client's fault. */
export const STATUS_FOR: Readonly<Record<FailureKind, number>> = {
  timeout: 504,
  unavailable: 503,
  denied: 502,
  "too-large": 502,
  "invalid-json": 502,
  upstream: 502,
};

/** A failure to read a document. `message` is for the logs; clients only see the status's generic text. */
export class DocumentError extends Error {
  override readonly name = "DocumentError";
  /** What went wrong. */
  readonly kind: FailureKind;
  /** The HTTP status this failure maps to. */
  readonly statusCode: number;

  constructor(kind: FailureKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.statusCode = STATUS_FOR[kind];
  }
}

/** A failure worth serving a stale copy for: S3 may answer normally again soon. */
export function isTransient(error: unknown): boolean {
  return error instanceof DocumentError && (error.kind === "timeout" || error.kind === "unavailable");
}

/** A client error with a message that is safe to show (it names only what the client sent). */
export class ClientError extends Error {
  override readonly name = "ClientError";
  /** The 4xx status. */
  readonly statusCode: number;

  constructor(statusCode: number, message: string) {
    super(message);
    this.statusCode = statusCode;
  }
}
