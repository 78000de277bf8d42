import assert from "node:assert/strict";
import { EMULATOR_CREDENTIALS, type Emulator, putDocument, startEmulator } from "../dev/emulator";
import { DocumentError, type FailureKind } from "../src/errors";
import { classifyS3Error, createS3Client, S3DocumentStore, type S3StoreOptions } from "../src/s3Store";
import { S3Proxy } from "./helpers/s3Proxy";

const BUCKET = "docs";
const PREFIX = "v1/";

/** A store on the proxy in front of the emulator, with short timeouts. */
function storeOn(
  endpoint: string,
  options: Partial<S3StoreOptions> = {},
  credentials: { accessKeyId: string; secretAccessKey: string } = EMULATOR_CREDENTIALS,
) {
  const client = createS3Client({
    endpoint,
    connectTimeoutMs: 500,
    attemptTimeoutMs: 300,
    maxAttempts: 2,
    maxSockets: 10,
    credentials,
  });
  const store = new S3DocumentStore(client, {
    bucket: BUCKET,
    keyPrefix: PREFIX,
    maxDocumentBytes: 1024,
    ...options,
  });
  return { client, store };
}

async function failureOf(promise: Promise<unknown>): Promise<DocumentError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DocumentError, `expected a DocumentError, got ${error}`);
    return error;
  }
  assert.fail("expected the read to fail");
}

describe("S3DocumentStore against the S3 emulator", () => {
  let emulator: Emulator;
  let proxy: S3Proxy;

  before(async () => {
    emulator = await startEmulator({ buckets: [BUCKET] });
    await putDocument(emulator.client, BUCKET, "v1/foo.json", '{ "greeting": "I am the Foo" }');
    await putDocument(emulator.client, BUCKET, "v1/broken.json", '{ "greeting": ');
    await putDocument(emulator.client, BUCKET, "v1/big.json", JSON.stringify({ pad: "x".repeat(2000) }));
    await putDocument(emulator.client, BUCKET, "foo.json", '{ "outside": "the prefix" }');
  });
  after(() => emulator.close());
  beforeEach(async () => {
    proxy = await S3Proxy.start(emulator.endpoint);
  });
  afterEach(() => proxy.close());

  it("reads KEY_PREFIX + key + .json, with its bytes and quoted ETag", async () => {
    const { store, client } = storeOn(proxy.endpoint);
    const result = await store.read("foo");
    client.destroy();
    assert.equal(result.kind, "found");
    assert.ok(result.kind === "found");
    assert.equal(result.document.body.toString(), '{ "greeting": "I am the Foo" }');
    assert.match(result.document.etag, /^"[0-9a-f]{32}"$/);
    assert.match(String(result.document.lastModified), /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    assert.deepEqual(
      proxy.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`),
      ["GET /docs/v1/foo.json"],
    );
  });

  it("answers not-modified when the ETag still matches (S3's 304)", async () => {
    const { store, client } = storeOn(proxy.endpoint);
    const first = await store.read("foo");
    assert.ok(first.kind === "found");
    const second = await store.read("foo", { ifNoneMatch: first.document.etag });
    client.destroy();
    assert.deepEqual(second, { kind: "not-modified" });
    assert.deepEqual(
      proxy.gets(BUCKET, "v1/foo.json").map((r) => [r.ifNoneMatch, r.status]),
      [
        [undefined, 200],
        [first.document.etag, 304],
      ],
    );
  });

  it("answers missing for a key with no object", async () => {
    const { store, client } = storeOn(proxy.endpoint);
    assert.deepEqual(await store.read("nope"), { kind: "missing" });
    client.destroy();
  });

  it("refuses an object that is not JSON", async () => {
    const { store, client } = storeOn(proxy.endpoint);
    const error = await failureOf(store.read("broken"));
    client.destroy();
    assert.equal(error.kind, "invalid-json");
  });

  it("refuses an object over MAX_DOCUMENT_BYTES from its Content-Length", async () => {
    const { store, client } = storeOn(proxy.endpoint);
    const error = await failureOf(store.read("big"));
    client.destroy();
    assert.equal(error.kind, "too-large");
    assert.match(
      error.message,
      /^GetObject s3:\/\/docs\/v1\/big\.json: 20\d\d bytes is over the 1024 byte limit$/,
    );
  });

  it("reports a missing bucket as an upstream failure, not as a missing document", async () => {
    const { client } = storeOn(proxy.endpoint);
    const store = new S3DocumentStore(client, {
      bucket: "no-such-bucket",
      keyPrefix: "",
      maxDocumentBytes: 1024,
    });
    const error = await failureOf(store.read("foo"));
    client.destroy();
    assert.equal(error.kind, "upstream");
  });

  it("reports rejected credentials as denied", async () => {
    const { store, client } = storeOn(proxy.endpoint, {}, { accessKeyId: "WRONG", secretAccessKey: "WRONG" });
    const error = await failureOf(store.read("foo"));
    client.destroy();
    assert.equal(error.kind, "denied");
  });

  it("times out a slow S3 after the attempts' budget, without waiting for its answer", async () => {
    proxy.delayMs = 5000;
    const { store, client } = storeOn(proxy.endpoint);
    const started = performance.now();
    const error = await failureOf(store.read("foo"));
    const elapsed = performance.now() - started;
    client.destroy();
    assert.equal(error.kind, "timeout");
    // Two attempts of 300 ms plus the SDK's retry backoff; far below the 5 s the proxy holds the answer.
    assert.ok(elapsed < 3000, `timed out after ${elapsed} ms`);
    assert.equal(proxy.requests.length, 2);
  });

  it("stops at once when the caller's signal aborts", async () => {
    proxy.delayMs = 5000;
    const { store, client } = storeOn(proxy.endpoint);
    const error = await failureOf(store.read("foo", { signal: AbortSignal.timeout(100) }));
    client.destroy();
    assert.equal(error.kind, "timeout");
  });

  it("reports a stopped S3 as unavailable", async () => {
    const endpoint = proxy.endpoint;
    await proxy.close();
    const { store, client } = storeOn(endpoint);
    const error = await failureOf(store.read("foo"));
    client.destroy();
    assert.equal(error.kind, "unavailable");
    proxy = await S3Proxy.start(emulator.endpoint);
  });

  it("probes S3 with one GET under the prefix, ready when S3 says the key does not exist", async () => {
    const { store, client } = storeOn(proxy.endpoint);
    await store.probe();
    client.destroy();
    assert.deepEqual(
      proxy.requests.map((r) => [r.method, r.path.split("?")[0], r.status]),
      [["GET", "/docs/v1/.readyz", 404]],
    );
  });

  it("fails the probe when the bucket does not exist", async () => {
    const { client } = storeOn(proxy.endpoint);
    const store = new S3DocumentStore(client, {
      bucket: "missing-bucket",
      keyPrefix: "",
      maxDocumentBytes: 1024,
    });
    const error = await failureOf(store.probe());
    client.destroy();
    assert.equal(error.kind, "upstream");
  });

  it("fails the probe when S3 rejects our credentials", async () => {
    const { store, client } = storeOn(proxy.endpoint, {}, { accessKeyId: "WRONG", secretAccessKey: "WRONG" });
    const error = await failureOf(store.probe());
    client.destroy();
    assert.equal(error.kind, "denied");
  });
});

describe("classifyS3Error", () => {
  const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
  const table: [what: string, error: unknown, kind: FailureKind][] = [
    ["a TimeoutError", Object.assign(new Error("t"), { name: "TimeoutError" }), "timeout"],
    ["an AbortError", Object.assign(new Error("a"), { name: "AbortError" }), "timeout"],
    ["ECONNREFUSED", Object.assign(new Error("refused"), { code: "ECONNREFUSED" }), "unavailable"],
    ["a 503 SlowDown", Object.assign(new Error("s"), { name: "SlowDown", ...meta(503) }), "unavailable"],
    [
      "a 500 InternalError",
      Object.assign(new Error("i"), { name: "InternalError", ...meta(500) }),
      "unavailable",
    ],
    ["a 429", Object.assign(new Error("t"), { name: "TooManyRequests", ...meta(429) }), "unavailable"],
    ["a 403 AccessDenied", Object.assign(new Error("d"), { name: "AccessDenied", ...meta(403) }), "denied"],
    ["a 400 ExpiredToken", Object.assign(new Error("e"), { name: "ExpiredToken", ...meta(400) }), "denied"],
    [
      "a CredentialsProviderError",
      Object.assign(new Error("c"), { name: "CredentialsProviderError" }),
      "denied",
    ],
    ["a 404 NoSuchBucket", Object.assign(new Error("b"), { name: "NoSuchBucket", ...meta(404) }), "upstream"],
    [
      "a 400 InvalidRequest",
      Object.assign(new Error("r"), { name: "InvalidRequest", ...meta(400) }),
      "upstream",
    ],
  ];
  for (const [what, error, kind] of table) {
    it(`maps ${what} to ${kind}`, () => {
      assert.equal(classifyS3Error(error, "GetObject").kind, kind);
    });
  }
});
