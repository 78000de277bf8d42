import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../src/app";
import { CachedDocuments } from "../src/cache";
import { keyProblem, MAX_KEY_LENGTH } from "../src/contract/keys";
import { Readiness } from "../src/readiness";
import { FakeStore } from "./helpers/fakeStore";
import { httpGet } from "./helpers/http";

/** Property-based: whatever a client sends, the answer is never a 5xx and every error body is JSON. */

const RUNS = 300;

/** Characters that matter to paths and keys: separators, dots, escapes, NUL, and a few non-ASCII. */
const tricky = fc.constantFrom(..."abcXYZ019-_./\\%?#&=;:@+~!$'()*, \u0000\u00e9\u2028\ud83d\ude00");
const keyLike = fc.oneof(
  fc.string({ unit: tricky, maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,140}$/),
);

/** Checks the invariant every answer must hold. */
function assertWellFormed(status: number, contentType: unknown, body: string, method = "GET") {
  assert.ok(status < 500, `status ${status}: ${body}`);
  if (method === "HEAD" || status === 304 || (status >= 200 && status < 300 && body === "")) return;
  assert.match(String(contentType), /^application\/json/);
  const parsed = JSON.parse(body);
  if (status >= 400) {
    assert.equal(parsed.statusCode, status);
    assert.equal(typeof parsed.message, "string");
  }
}

describe("properties of the API", () => {
  let store: FakeStore;
  let app: FastifyInstance;

  before(async () => {
    store = new FakeStore();
    store.put("foo", { greeting: "I am the Foo" });
    store.put("a.b", [1, 2, 3]);
    const documents = new CachedDocuments(store, {
      ttlMs: 30_000,
      maxBytes: 1 << 20,
      maxEntries: 10_000,
      staleIfErrorMs: 0,
      loadTimeoutMs: 5000,
    });
    app = buildApp(
      { documents, readiness: new Readiness(store, { cacheMs: 5000, timeoutMs: 1000 }) },
      { shedEventLoopDelayMs: 0 },
    );
    await app.listen({ host: "127.0.0.1", port: 0 });
  });
  after(() => app.close());

  it("reads exactly the requested key when it is valid, answers 400 without reading S3 otherwise", async () => {
    await fc.assert(
      fc.asyncProperty(keyLike, async (key) => {
        const before = store.reads.length;
        const res = await app.inject({ url: `/api/${encodeURIComponent(key)}` });
        assertWellFormed(res.statusCode, res.headers["content-type"], res.body);
        const problem = keyProblem(key);
        if (key === "" || key === "." || key === "..") {
          // The URL parser resolves these before routing: no key reaches the handler.
          assert.ok([400, 404].includes(res.statusCode));
          assert.equal(store.reads.length, before);
        } else if (problem === undefined) {
          assert.ok([200, 404].includes(res.statusCode), `${key}: ${res.statusCode}`);
          // A lookup either hit the cache or read exactly this key, never another one.
          for (const read of store.reads.slice(before)) assert.equal(read.key, key);
        } else {
          assert.ok([400, 414].includes(res.statusCode), `${JSON.stringify(key)}: ${res.statusCode}`);
          assert.equal(store.reads.length, before);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("never answers 5xx, and always JSON, to any method on any path", async () => {
    const methods = fc.constantFrom(...app.supportedMethods);
    const path = fc.oneof(
      keyLike.map((key) => `/api/${encodeURIComponent(key)}`),
      fc.webPath().map((path) => (path.startsWith("/") ? path : `/${path}`)),
      fc.constantFrom("/healthz", "/readyz", "/api", "/api/", "/api/foo"),
    );
    await fc.assert(
      fc.asyncProperty(methods, path, async (method, url) => {
        const res = await app.inject({ method: method as "GET", url });
        assertWellFormed(res.statusCode, res.headers["content-type"], res.body, method);
        if (!["GET", "HEAD", "OPTIONS"].includes(method) && /^\/(api\/[^/?]*|healthz|readyz)$/.test(url)) {
          assert.equal(res.statusCode, 405, `${method} ${url}`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("never answers 5xx to raw paths sent over a real socket (dot segments, encoded slashes, bad escapes)", async () => {
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    // What an HTTP client can put in a request line: printable ASCII without spaces.
    const raw = fc.string({ unit: fc.constantFrom(..."aZ09-_./%2EeFf?#\\~"), maxLength: 30 });
    await fc.assert(
      fc.asyncProperty(raw, async (tail) => {
        const res = await httpGet(base, `/api/${tail}`);
        assertWellFormed(res.status, res.headers["content-type"], res.body);
      }),
      { numRuns: 150 },
    );
  });

  it("accepts every key the shared key rule accepts, up to MAX_KEY_LENGTH", async () => {
    const valid = fc.stringMatching(new RegExp(`^[A-Za-z0-9_-][A-Za-z0-9._-]{0,${MAX_KEY_LENGTH - 1}}$`));
    await fc.assert(
      fc.asyncProperty(valid, async (key) => {
        const res = await app.inject({ url: `/api/${key}` });
        assert.ok([200, 404].includes(res.statusCode), `${key}: ${res.statusCode}`);
      }),
      { numRuns: RUNS },
    );
  });
});
