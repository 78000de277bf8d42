/**
 * Reads the service's environment by the contract's table (contract/environment.ts): every variable's default
 * and bounds, plus the rules between variables, reporting every problem at once.
 */
import { type Rule, VARIABLES, type Variable, type VariableName } from "./contract/environment";

export { VARIABLES, type VariableName } from "./contract/environment";

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
