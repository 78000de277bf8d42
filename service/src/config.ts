import envSchema from "env-schema";

/**
 * The service's environment: every variable, its default and its bounds, in one schema (validated by env-schema,
 * i.e. Ajv with coercion). The README's table documents the same variables; a test keeps the two equal.
 */

/** One environment variable: its JSON schema, and what a valid value is, in words, for the error message. */
interface Variable {
  readonly schema: Record<string, unknown>;
  readonly expected: string;
  readonly description: string;
}

const integer = (minimum: number, maximum: number, fallback: number, description: string): Variable => ({
  schema: { type: "integer", minimum, maximum, default: fallback },
  expected: `an integer from ${minimum} to ${maximum}`,
  description,
});

/** Every variable the service reads. Order is the README's order. */
export const VARIABLES = {
  BUCKET_NAME: {
    schema: { type: "string", pattern: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$" },
    expected: "an S3 bucket name (3-63 lowercase letters, digits, '.' and '-')",
    description: "The bucket holding the documents. Required.",
  },
  KEY_PREFIX: {
    schema: { type: "string", maxLength: 512, pattern: "^[A-Za-z0-9!_.*'()/-]*$", default: "" },
    expected: "at most 512 characters from letters, digits and !_.*'()/-",
    description: 'Prepended to every object key: `GET /api/foo` reads `KEY_PREFIX + "foo.json"`.',
  },
  HOST: {
    schema: { type: "string", minLength: 1, default: "0.0.0.0" },
    expected: "a non-empty address",
    description: "The address to listen on (all interfaces, for the container's port mapping).",
  },
  PORT: integer(0, 65535, 8080, "The port to listen on (0 picks a free one)."),
  LOG_LEVEL: {
    schema: {
      type: "string",
      enum: ["fatal", "error", "warn", "info", "debug", "trace", "silent"],
      default: "info",
    },
    expected: "one of fatal, error, warn, info, debug, trace, silent",
    description: "The pino log level; `info` logs one line per request.",
  },
  AWS_REGION: {
    schema: { type: "string", pattern: "^[a-z]{2}(-[a-z]+)+-[0-9]+$" },
    expected: "an AWS region such as eu-west-1",
    description:
      "The bucket's region. Required unless a custom endpoint is set (then defaults to us-east-1).",
  },
  AWS_ENDPOINT_URL_S3: {
    schema: { type: "string" },
    expected: "an http(s) URL",
    description:
      "A non-AWS S3 endpoint (the emulator); turns on path-style addressing. Wins over AWS_ENDPOINT_URL.",
  },
  AWS_ENDPOINT_URL: {
    schema: { type: "string" },
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
    schema: { type: "string", default: "" },
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

type Raw = Record<VariableName, string | number | undefined>;

/** Reads and validates `env`, reporting every problem at once in one ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv): ServiceConfig {
  const problems: string[] = [];
  const names = Object.keys(VARIABLES) as VariableName[];
  const data: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) data[name] = value;
  }
  const got = (name: string) => {
    const value = env[name] ?? "";
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
  };

  let raw: Raw | undefined;
  try {
    raw = envSchema<Raw>({
      schema: {
        type: "object",
        required: ["BUCKET_NAME"],
        properties: Object.fromEntries(names.map((name) => [name, VARIABLES[name].schema])),
      },
      data,
      env: false,
    });
  } catch (error) {
    const errors = (
      error as { errors?: { instancePath: string; keyword: string; params: Record<string, unknown> }[] }
    ).errors;
    if (!errors) throw error;
    const seen = new Set<string>();
    for (const e of errors) {
      const name = e.keyword === "required" ? String(e.params.missingProperty) : e.instancePath.slice(1);
      if (seen.has(name)) continue;
      seen.add(name);
      const variable = VARIABLES[name as VariableName];
      problems.push(
        e.keyword === "required"
          ? `${name} is required (${variable.expected})`
          : `${name} must be ${variable.expected} (got ${got(name)})`,
      );
    }
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
  if (raw) {
    if (raw.AWS_REGION === undefined && endpoint === undefined) {
      problems.push(
        "AWS_REGION is required (the bucket's region) unless AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL is set",
      );
    }
    const n = (name: VariableName) => Number(raw?.[name]);
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
  if (problems.length > 0 || !raw) {
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
