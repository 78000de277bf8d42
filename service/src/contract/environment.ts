/**
 * The service's environment: every variable, its default and its bounds, in one table. Part of the contract:
 * the service parses its environment by it (config.ts), and the infrastructure sets the container's
 * environment by the same names and bounds. The README's table documents the same variables; a test keeps the
 * two equal.
 *
 * Why not env-schema: it loads and compiles Ajv, 80 ms of the 250 ms cold-start budget, for what this table does
 * with a regular expression or a range per variable.
 */

/** How one variable is checked: an integer range, one of some words, or a string matching a pattern. */
export type Rule =
  | IntegerRule
  | { readonly type: "enum"; readonly values: readonly string[]; readonly default: string }
  | {
      readonly type: "string";
      readonly pattern?: RegExp;
      readonly maxLength?: number;
      readonly default?: string;
    };

/** An integer variable's rule: a range and a default. */
export interface IntegerRule {
  readonly type: "integer";
  readonly minimum: number;
  readonly maximum: number;
  readonly default: number;
}

/** One environment variable: its rule, what a valid value is in words (for the error), and its documentation. */
export interface Variable {
  readonly rule: Rule;
  readonly expected: string;
  readonly description: string;
}

const integer = (
  minimum: number,
  maximum: number,
  fallback: number,
  description: string,
): Variable & { readonly rule: IntegerRule } => ({
  rule: { type: "integer", minimum, maximum, default: fallback },
  expected: `an integer from ${minimum} to ${maximum}`,
  description,
});

/** Every variable the service reads. Order is the README's order. */
export const VARIABLES = {
  BUCKET_NAME: {
    rule: { type: "string", pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/ },
    expected: "an S3 bucket name (3-63 lowercase letters, digits, '.' and '-')",
    description: "The bucket holding the documents. Required.",
  },
  KEY_PREFIX: {
    rule: { type: "string", maxLength: 512, pattern: /^[A-Za-z0-9!_.*'()/-]*$/, default: "" },
    expected: "at most 512 characters from letters, digits and !_.*'()/-",
    description: 'Prepended to every object key: `GET /api/foo` reads `KEY_PREFIX + "foo.json"`.',
  },
  HOST: {
    rule: { type: "string", pattern: /^\S+$/, default: "0.0.0.0" },
    expected: "an address without spaces",
    description: "The address to listen on (all interfaces, for the container's port mapping).",
  },
  PORT: integer(0, 65535, 8080, "The port to listen on (0 picks a free one)."),
  LOG_LEVEL: {
    rule: {
      type: "enum",
      values: ["fatal", "error", "warn", "info", "debug", "trace", "silent"],
      default: "info",
    },
    expected: "one of fatal, error, warn, info, debug, trace, silent",
    description: "The pino log level; `info` logs one line per request.",
  },
  AWS_REGION: {
    rule: { type: "string", pattern: /^[a-z]{2}(-[a-z]+)+-[0-9]+$/ },
    expected: "an AWS region such as eu-west-1",
    description:
      "The bucket's region. Required unless a custom endpoint is set (then defaults to us-east-1).",
  },
  AWS_ENDPOINT_URL_S3: {
    rule: { type: "string" },
    expected: "an http(s) URL",
    description:
      "A non-AWS S3 endpoint (the emulator); turns on path-style addressing. Wins over AWS_ENDPOINT_URL.",
  },
  AWS_ENDPOINT_URL: {
    rule: { type: "string" },
    expected: "an http(s) URL",
    description: "The SDK's endpoint for every service, used for S3 when AWS_ENDPOINT_URL_S3 is not set.",
  },
  KEEP_ALIVE_TIMEOUT_MS: integer(
    1000,
    3_600_000,
    65_000,
    "Idle keep-alive connections close after this. Must exceed the ALB idle timeout (60 s), or the ALB reuses a closing connection and answers 502.",
  ),
  SHUTDOWN_TIMEOUT_MS: integer(
    1000,
    600_000,
    20_000,
    "On SIGTERM, in-flight requests get this long before the process exits anyway (keep below ECS's stopTimeout).",
  ),
  REQUEST_TIMEOUT_MS: integer(
    100,
    120_000,
    5000,
    "The whole budget of one document request; past it the client gets 504.",
  ),
  S3_CONNECT_TIMEOUT_MS: integer(50, 60_000, 1000, "Per attempt: time to open a connection to S3."),
  S3_ATTEMPT_TIMEOUT_MS: integer(
    50,
    120_000,
    2000,
    "Per attempt: time from request to S3's response headers.",
  ),
  S3_MAX_ATTEMPTS: integer(
    1,
    10,
    2,
    "Attempts per S3 read, the first included (retries: timeouts, 5xx, throttling).",
  ),
  S3_MAX_SOCKETS: integer(1, 1000, 50, "Concurrent connections to S3."),
  CACHE_TTL_MS: integer(
    0,
    86_400_000,
    30_000,
    "How long a cached document is served before it is revalidated with its ETag. 0 disables the cache.",
  ),
  CACHE_MAX_BYTES: integer(1024, 4_294_967_296, 33_554_432, "Memory for cached documents (LRU beyond it)."),
  CACHE_MAX_ENTRIES: integer(1, 10_000_000, 10_000, "Most cached entries (documents and remembered 404s)."),
  CACHE_STALE_IF_ERROR_MS: integer(
    0,
    86_400_000,
    300_000,
    "After its TTL, how long a copy may still be served while S3 times out or is unavailable. 0: never.",
  ),
  MAX_DOCUMENT_BYTES: integer(
    1,
    67_108_864,
    1_048_576,
    "Larger objects get 502, judged from their size before reading.",
  ),
  HTTP_MAX_AGE_S: integer(0, 86_400, 30, "`Cache-Control: public, max-age=N` on documents (0: `no-cache`)."),
  READY_CACHE_MS: integer(100, 600_000, 5000, "How long a /readyz probe result is reused."),
  RETRY_AFTER_S: integer(1, 3600, 5, "`Retry-After` on 503 answers."),
  SHED_EVENT_LOOP_DELAY_MS: integer(
    0,
    60_000,
    250,
    "Answer 503 when the mean event loop delay exceeds this (load shedding; /healthz is exempt). 0 disables.",
  ),
  CORS_ORIGINS: {
    rule: { type: "string", default: "" },
    expected: "a comma-separated list of origins such as https://example.com",
    description: "Origins allowed by CORS (GET, HEAD). Empty: CORS off.",
  },
  TRUST_PROXY_HOPS: integer(
    0,
    10,
    1,
    "Proxies in front (the ALB is 1): the client address is taken that many hops from the end of X-Forwarded-For.",
  ),
} as const satisfies Record<string, Variable>;

/** The name of an environment variable the service reads. */
export type VariableName = keyof typeof VARIABLES;
