import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfig, VARIABLES } from "../src/config";

const MINIMAL = { BUCKET_NAME: "docs-bucket", AWS_REGION: "eu-west-1" };

function problemOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error.message;
  }
  assert.fail("expected the environment to be rejected");
}

describe("loadConfig", () => {
  it("applies every default to a minimal environment", () => {
    assert.deepEqual(loadConfig(MINIMAL), {
      bucket: "docs-bucket",
      keyPrefix: "",
      host: "0.0.0.0",
      port: 8080,
      logLevel: "info",
      region: "eu-west-1",
      endpoint: undefined,
      keepAliveTimeoutMs: 65_000,
      shutdownTimeoutMs: 20_000,
      requestTimeoutMs: 5000,
      s3: { connectTimeoutMs: 1000, attemptTimeoutMs: 2000, maxAttempts: 2, maxSockets: 50 },
      cache: { ttlMs: 30_000, maxBytes: 33_554_432, maxEntries: 10_000, staleIfErrorMs: 300_000 },
      maxDocumentBytes: 1_048_576,
      httpMaxAgeS: 30,
      readyCacheMs: 5000,
      retryAfterS: 5,
      shedEventLoopDelayMs: 250,
      corsOrigins: [],
      trustProxyHops: 1,
    });
  });

  it("keeps the keep-alive timeout above the ALB's default 60 s idle timeout", () => {
    assert.ok(loadConfig(MINIMAL).keepAliveTimeoutMs > 60_000);
  });

  it("keeps the default shutdown below ECS's 30 s stop timeout and the request budget below both", () => {
    const config = loadConfig(MINIMAL);
    assert.ok(config.shutdownTimeoutMs < 30_000);
    assert.ok(config.requestTimeoutMs < config.shutdownTimeoutMs);
    // Worst case of one S3 read before the budget cuts it: attempts x (connect + response headers).
    assert.ok(config.requestTimeoutMs < 60_000);
  });

  it("reads every variable the environment sets", () => {
    const config = loadConfig({
      ...MINIMAL,
      KEY_PREFIX: "docs/v1/",
      PORT: "9090",
      LOG_LEVEL: "debug",
      KEEP_ALIVE_TIMEOUT_MS: "125000",
      CACHE_TTL_MS: "0",
      CORS_ORIGINS: "https://a.example, https://b.example:8443",
      TRUST_PROXY_HOPS: "2",
    });
    assert.equal(config.keyPrefix, "docs/v1/");
    assert.equal(config.port, 9090);
    assert.equal(config.logLevel, "debug");
    assert.equal(config.keepAliveTimeoutMs, 125_000);
    assert.equal(config.cache.ttlMs, 0);
    assert.deepEqual(config.corsOrigins, ["https://a.example", "https://b.example:8443"]);
    assert.equal(config.trustProxyHops, 2);
  });

  it("prefers AWS_ENDPOINT_URL_S3 over AWS_ENDPOINT_URL and needs no region with a custom endpoint", () => {
    const config = loadConfig({
      BUCKET_NAME: "docs",
      AWS_ENDPOINT_URL: "http://127.0.0.1:1",
      AWS_ENDPOINT_URL_S3: "http://127.0.0.1:2",
    });
    assert.equal(config.endpoint, "http://127.0.0.1:2");
    assert.equal(config.region, undefined);
    assert.equal(
      loadConfig({ BUCKET_NAME: "docs", AWS_ENDPOINT_URL: "http://127.0.0.1:1" }).endpoint,
      "http://127.0.0.1:1",
    );
  });

  const rejected: [env: NodeJS.ProcessEnv, message: string][] = [
    [
      { AWS_REGION: "eu-west-1" },
      "Invalid environment: BUCKET_NAME is required (an S3 bucket name (3-63 lowercase letters, digits, '.' and '-'))",
    ],
    [
      { ...MINIMAL, BUCKET_NAME: "Docs_Bucket" },
      `Invalid environment: BUCKET_NAME must be an S3 bucket name (3-63 lowercase letters, digits, '.' and '-') (got "Docs_Bucket")`,
    ],
    [
      { ...MINIMAL, PORT: "http" },
      'Invalid environment: PORT must be an integer from 0 to 65535 (got "http")',
    ],
    [
      { ...MINIMAL, PORT: "70000" },
      'Invalid environment: PORT must be an integer from 0 to 65535 (got "70000")',
    ],
    [
      { ...MINIMAL, PORT: "80.5" },
      'Invalid environment: PORT must be an integer from 0 to 65535 (got "80.5")',
    ],
    [
      { ...MINIMAL, LOG_LEVEL: "verbose" },
      'Invalid environment: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")',
    ],
    [
      { ...MINIMAL, KEEP_ALIVE_TIMEOUT_MS: "5000" },
      "Invalid environment: REQUEST_TIMEOUT_MS = 5000 must be below KEEP_ALIVE_TIMEOUT_MS = 5000: a request must end before its connection can idle out",
    ],
    [
      { ...MINIMAL, KEY_PREFIX: "docs v1/" },
      `Invalid environment: KEY_PREFIX must be at most 512 characters from letters, digits and !_.*'()/- (got "docs v1/")`,
    ],
    [
      { BUCKET_NAME: "docs" },
      "Invalid environment: AWS_REGION is required (the bucket's region) unless AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL is set",
    ],
    [
      { ...MINIMAL, AWS_REGION: "Ireland" },
      'Invalid environment: AWS_REGION must be an AWS region such as eu-west-1 (got "Ireland")',
    ],
    [
      { BUCKET_NAME: "docs", AWS_ENDPOINT_URL_S3: "localhost:4566" },
      'Invalid environment: AWS_ENDPOINT_URL_S3 must be an http(s) URL (got "localhost:4566")',
    ],
    [
      { ...MINIMAL, CORS_ORIGINS: "https://a.example/path" },
      'Invalid environment: CORS_ORIGINS must be a comma-separated list of origins such as https://example.com ("https://a.example/path" is not)',
    ],
    [
      { ...MINIMAL, REQUEST_TIMEOUT_MS: "70000" },
      "Invalid environment: REQUEST_TIMEOUT_MS = 70000 must be below KEEP_ALIVE_TIMEOUT_MS = 65000: a request must end before its connection can idle out; REQUEST_TIMEOUT_MS = 70000 must be below SHUTDOWN_TIMEOUT_MS = 20000: in-flight requests must be able to finish on SIGTERM",
    ],
    [
      { ...MINIMAL, S3_ATTEMPT_TIMEOUT_MS: "6000" },
      "Invalid environment: S3_ATTEMPT_TIMEOUT_MS = 6000 must be below REQUEST_TIMEOUT_MS = 5000: one S3 attempt must fit in the request's budget",
    ],
    [
      { ...MINIMAL, CACHE_TTL_MS: "-1", MAX_DOCUMENT_BYTES: "lots" },
      'Invalid environment: CACHE_TTL_MS must be an integer from 0 to 86400000 (got "-1"); MAX_DOCUMENT_BYTES must be an integer from 1 to 67108864 (got "lots")',
    ],
  ];
  for (const [env, message] of rejected) {
    it(`rejects ${JSON.stringify(env)} naming the variable`, () => {
      assert.equal(problemOf(env), message);
    });
  }
});

describe("the service README", () => {
  it("documents exactly the variables the service reads", () => {
    const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
    const documented = [...readme.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((match) => match[1]);
    assert.deepEqual(documented, Object.keys(VARIABLES));
  });
});
