/**
 * The service's environment: every variable, its default and its bounds, in one table. The README's table
 * documents the same variables; a test keeps the two equal.
 *
 * Why not env-schema: it loads and compiles Ajv, 80 ms of the 300 ms cold-start budget, for what this table does
 * with a regular expression or a range per variable.
 */

/** How one variable is checked: an integer range, one of some words, or a string matching a pattern. */
type Rule =
  | { readonly type: "integer"; readonly minimum: number; readonly maximum: number; readonly default: number }
  | { readonly type: "enum"; readonly values: readonly string[]; readonly default: string }
  | {
      readonly type: "string";
      readonly pattern?: RegExp;
      readonly maxLength?: number;
      readonly default?: string;
    };

/** One environment variable: its rule, what a valid value is in words (for the error), and its documentation. */
interface Variable {
  readonly rule: Rule;
  readonly expected: string;
  readonly description: string;
}

const integer = (minimum: number, maximum: number, fallback: number, description: string): Variable => ({
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

/** The validated configuration. */
export interface ServiceConfig {
  readonly bucket: string;
  readonly keyPrefix: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  /** The region, or undefined to let a custom endpoint's default apply. */
  readonly region: string | undefined;
  /** The custom S3 endpoint, or undefined for AWS. */
  readonly endpoint: string | undefined;
  readonly keepAliveTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly s3: {
    readonly connectTimeoutMs: number;
    readonly attemptTimeoutMs: number;
    readonly maxAttempts: number;
    readonly maxSockets: number;
  };
  readonly cache: {
    readonly ttlMs: number;
    readonly maxBytes: number;
    readonly maxEntries: number;
    readonly staleIfErrorMs: number;
  };
  readonly maxDocumentBytes: number;
  readonly httpMaxAgeS: number;
  readonly readyCacheMs: number;
  readonly retryAfterS: number;
  readonly shedEventLoopDelayMs: number;
  readonly corsOrigins: string[];
  readonly trustProxyHops: number;
}

/** The environment is unusable; the message names every offending variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Checks one variable against its rule: its value (the default when unset), or undefined when invalid. */
function parse(rule: Rule, value: string | undefined): string | number | undefined {
  if (value === undefined) return rule.default;
  switch (rule.type) {
    case "integer": {
      const n = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
      return Number.isSafeInteger(n) && n >= rule.minimum && n <= rule.maximum ? n : undefined;
    }
    case "enum":
      return rule.values.includes(value) ? value : undefined;
    case "string":
      return (rule.pattern?.test(value) ?? true) && value.length <= (rule.maxLength ?? Infinity)
        ? value
        : undefined;
  }
}

/** Reads and validates `env`, reporting every problem at once in one ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv): ServiceConfig {
  const problems: string[] = [];
  const got = (name: string) => {
    const value = env[name] ?? "";
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
  };
  const raw = {} as Record<VariableName, string | number | undefined>;
  for (const name of Object.keys(VARIABLES) as VariableName[]) {
    const variable: Variable = VARIABLES[name];
    raw[name] = parse(variable.rule, env[name]);
    if (raw[name] !== undefined) continue;
    if (env[name] !== undefined) problems.push(`${name} must be ${variable.expected} (got ${got(name)})`);
    else if (name === "BUCKET_NAME") problems.push(`${name} is required (${variable.expected})`);
  }

  const endpointVariable = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"].find((name) => env[name]);
  const endpoint = endpointVariable ? env[endpointVariable] : undefined;
  if (endpointVariable && endpoint && !isHttpUrl(endpoint)) {
    problems.push(
      `${endpointVariable} must be ${VARIABLES.AWS_ENDPOINT_URL.expected} (got ${got(endpointVariable)})`,
    );
  }
  const corsOrigins = (env.CORS_ORIGINS ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter((origin) => origin !== "");
  const badOrigin = corsOrigins.find((origin) => !isOrigin(origin));
  if (badOrigin !== undefined) {
    problems.push(
      `CORS_ORIGINS must be ${VARIABLES.CORS_ORIGINS.expected} (${JSON.stringify(badOrigin)} is not)`,
    );
  }
  if (problems.length === 0) {
    if (raw.AWS_REGION === undefined && endpoint === undefined) {
      problems.push(
        "AWS_REGION is required (the bucket's region) unless AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL is set",
      );
    }
    const n = (name: VariableName) => Number(raw[name]);
    const below = (a: VariableName, b: VariableName, why: string) => {
      if (n(a) >= n(b)) problems.push(`${a} = ${n(a)} must be below ${b} = ${n(b)}: ${why}`);
    };
    below(
      "REQUEST_TIMEOUT_MS",
      "KEEP_ALIVE_TIMEOUT_MS",
      "a request must end before its connection can idle out",
    );
    below(
      "REQUEST_TIMEOUT_MS",
      "SHUTDOWN_TIMEOUT_MS",
      "in-flight requests must be able to finish on SIGTERM",
    );
    below("S3_ATTEMPT_TIMEOUT_MS", "REQUEST_TIMEOUT_MS", "one S3 attempt must fit in the request's budget");
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid environment: ${problems.join("; ")}`);
  }

  const int = (name: VariableName) => Number(raw[name]);
  return {
    bucket: String(raw.BUCKET_NAME),
    keyPrefix: String(raw.KEY_PREFIX),
    host: String(raw.HOST),
    port: int("PORT"),
    logLevel: String(raw.LOG_LEVEL),
    region: raw.AWS_REGION === undefined ? undefined : String(raw.AWS_REGION),
    endpoint,
    keepAliveTimeoutMs: int("KEEP_ALIVE_TIMEOUT_MS"),
    shutdownTimeoutMs: int("SHUTDOWN_TIMEOUT_MS"),
    requestTimeoutMs: int("REQUEST_TIMEOUT_MS"),
    s3: {
      connectTimeoutMs: int("S3_CONNECT_TIMEOUT_MS"),
      attemptTimeoutMs: int("S3_ATTEMPT_TIMEOUT_MS"),
      maxAttempts: int("S3_MAX_ATTEMPTS"),
      maxSockets: int("S3_MAX_SOCKETS"),
    },
    cache: {
      ttlMs: int("CACHE_TTL_MS"),
      maxBytes: int("CACHE_MAX_BYTES"),
      maxEntries: int("CACHE_MAX_ENTRIES"),
      staleIfErrorMs: int("CACHE_STALE_IF_ERROR_MS"),
    },
    maxDocumentBytes: int("MAX_DOCUMENT_BYTES"),
    httpMaxAgeS: int("HTTP_MAX_AGE_S"),
    readyCacheMs: int("READY_CACHE_MS"),
    retryAfterS: int("RETRY_AFTER_S"),
    shedEventLoopDelayMs: int("SHED_EVENT_LOOP_DELAY_MS"),
    corsOrigins,
    trustProxyHops: int("TRUST_PROXY_HOPS"),
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** A browser origin: scheme, host and optional port, nothing else. */
function isOrigin(value: string): boolean {
  try {
    return isHttpUrl(value) && new URL(value).origin === value;
  } catch {
    return false;
  }
}
