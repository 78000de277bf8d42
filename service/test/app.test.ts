import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { type AppOptions, buildApp } from "../src/app";
import { CachedDocuments } from "../src/cache";
import { MAX_KEY_LENGTH } from "../src/contract/keys";
import { DocumentError, type FailureKind } from "../src/errors";
import { ifNoneMatchMatches } from "../src/http";
import { Readiness } from "../src/readiness";
import { FakeStore } from "./helpers/fakeStore";

/** The app over a FakeStore, with the production defaults unless overridden. */
function appOn(store: FakeStore, options: AppOptions = {}): FastifyInstance {
  const documents = new CachedDocuments(store, {
    ttlMs: 30_000,
    maxBytes: 1 << 20,
    maxEntries: 100,
    staleIfErrorMs: 0,
    loadTimeoutMs: 5000,
  });
  const readiness = new Readiness(store, { cacheMs: 5000, timeoutMs: 1000 });
  return buildApp({ documents, readiness }, { shedEventLoopDelayMs: 0, ...options });
}

describe("the API", () => {
  let store: FakeStore;
  let app: FastifyInstance;

  beforeEach(() => {
    store = new FakeStore();
    app = appOn(store);
  });
  afterEach(() => app.close());

  describe("GET /api/:key", () => {
    it("returns the stored document's exact bytes as application/json with its ETag and Cache-Control", async () => {
      const doc = store.put("foo", '{ "greeting": "I am the Foo" }');
      const res = await app.inject({ url: "/api/foo" });
      assert.equal(res.statusCode, 200);
      assert.equal(res.body, '{ "greeting": "I am the Foo" }');
      assert.equal(res.headers["content-type"], "application/json; charset=utf-8");
      assert.equal(res.headers.etag, doc.etag);
      assert.equal(res.headers["cache-control"], "public, max-age=30");
      assert.equal(res.headers["content-length"], String(doc.size));
      assert.deepEqual(store.reads, [{ key: "foo", ifNoneMatch: undefined }]);
    });

    it("reads the object for exactly the key in the path, whatever the query string", async () => {
      store.put("a.b-c_9", { ok: true });
      const res = await app.inject({ url: "/api/a.b-c_9?key=../../secret" });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(store.reads, [{ key: "a.b-c_9", ifNoneMatch: undefined }]);
    });

    it("answers HEAD with the GET headers and no body", async () => {
      const doc = store.put("foo", { greeting: "I am the Foo" });
      const res = await app.inject({ method: "HEAD", url: "/api/foo" });
      assert.equal(res.statusCode, 200);
      assert.equal(res.body, "");
      assert.equal(res.headers.etag, doc.etag);
      assert.equal(res.headers["content-length"], String(doc.size));
    });

    for (const header of ["{etag}", "W/{etag}", '"other", {etag}', "*"]) {
      it(`answers 304 without a body when If-None-Match is ${header}`, async () => {
        const doc = store.put("foo", { v: 1 });
        const res = await app.inject({
          url: "/api/foo",
          headers: { "if-none-match": header.replace("{etag}", doc.etag) },
        });
        assert.equal(res.statusCode, 304);
        assert.equal(res.body, "");
        assert.equal(res.headers.etag, doc.etag);
        assert.equal(res.headers["cache-control"], "public, max-age=30");
      });
    }

    it("answers 200 when If-None-Match names another version", async () => {
      store.put("foo", { v: 1 });
      const res = await app.inject({ url: "/api/foo", headers: { "if-none-match": '"stale"' } });
      assert.equal(res.statusCode, 200);
    });

    it("answers 404 with a JSON error for a key with no object", async () => {
      const res = await app.inject({ url: "/api/nope" });
      assert.equal(res.statusCode, 404);
      assert.equal(res.headers["content-type"], "application/json; charset=utf-8");
      assert.equal(res.headers["cache-control"], "no-store");
      const body = res.json();
      assert.deepEqual(body, {
        statusCode: 404,
        error: "Not Found",
        message: 'No document named "nope".',
        requestId: body.requestId,
      });
    });

    const badKeys: [path: string, message: string][] = [
      ["/api/.hidden", "The key \".hidden\" starts with '.'."],
      ["/api/..%2Fsecret", "The key \"../secret\" starts with '.'."],
      ["/api/a%2Fb", "The key \"a/b\" has characters other than letters, digits, '-', '_' and '.'."],
      ["/api/a%5Cb", "The key \"a\\\\b\" has characters other than letters, digits, '-', '_' and '.'."],
      ["/api/a%00b", "The key \"a\\u0000b\" has characters other than letters, digits, '-', '_' and '.'."],
      ["/api/a%20b", "The key \"a b\" has characters other than letters, digits, '-', '_' and '.'."],
      ["/api/caf%C3%A9", "The key \"café\" has characters other than letters, digits, '-', '_' and '.'."],
      [
        `/api/${"k".repeat(MAX_KEY_LENGTH + 1)}`,
        `The key "${"k".repeat(40)}..." is ${MAX_KEY_LENGTH + 1} characters long; at most ${MAX_KEY_LENGTH} are allowed.`,
      ],
    ];
    for (const [path, message] of badKeys) {
      it(`answers 400 for ${path.length > 40 ? `${path.slice(0, 40)}...` : path} without asking S3`, async () => {
        const res = await app.inject({ url: path });
        assert.equal(res.statusCode, 400);
        assert.equal(res.json().message, message);
        assert.equal(store.reads.length, 0);
      });
    }

    it("answers 400 for a path that is not valid percent-encoding", async () => {
      const res = await app.inject({ url: "/api/%E0%A4%A" });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().message, "The path is not valid.");
    });

    it("answers 414 for a path segment too long to route", async () => {
      const res = await app.inject({ url: `/api/${"k".repeat(2000)}` });
      assert.equal(res.statusCode, 414);
      assert.equal(res.json().message, "The path is too long.");
    });

    it("answers 404 for the API root and for nested paths", async () => {
      for (const url of ["/api", "/api/foo/bar", "/api/foo/", "/"]) {
        const res = await app.inject({ url });
        assert.equal(res.statusCode, 404, url);
        assert.equal(res.json().statusCode, 404);
      }
      assert.equal(store.reads.length, 0);
    });

    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const) {
      it(`answers ${method} with 405 and Allow: GET, HEAD`, async () => {
        const payload = method === "POST" ? "x".repeat(5000) : undefined;
        const res = await app.inject({
          method,
          url: "/api/foo",
          payload,
          headers: { "content-type": "text/plain" },
        });
        assert.equal(res.statusCode, 405);
        assert.equal(res.headers.allow, "GET, HEAD");
        assert.equal(res.json().message, `${method} is not allowed; use GET or HEAD.`);
        assert.equal(store.reads.length, 0);
      });
    }

    const failures: [FailureKind, number, string][] = [
      ["timeout", 504, "The document store did not answer in time."],
      ["unavailable", 503, "The document store is unavailable; retry later."],
      ["denied", 502, "The document store refused the request."],
      ["too-large", 502, "The document is too large to serve."],
      ["invalid-json", 502, "The stored document is not valid JSON."],
      ["upstream", 502, "The document store failed."],
    ];
    for (const [kind, status, message] of failures) {
      it(`answers ${status} for a ${kind} failure, without its internal details`, async () => {
        store.failure = new DocumentError(kind, "GetObject s3://secret-bucket/docs/foo.json: AccessDenied");
        const res = await app.inject({ url: "/api/foo" });
        assert.equal(res.statusCode, status);
        assert.equal(res.json().message, message);
        assert.doesNotMatch(res.body, /secret-bucket|AccessDenied|at /);
        assert.equal(res.headers["retry-after"], status === 503 ? "5" : undefined);
      });
    }

    it("answers 504 once the request budget is spent, however long S3 would take", async () => {
      const fast = appOn(store, { requestTimeoutMs: 200 });
      store.put("foo", { v: 1 });
      store.delayMs = 20_000;
      const started = performance.now();
      const res = await fast.inject({ url: "/api/foo" });
      const elapsed = performance.now() - started;
      await fast.close();
      assert.equal(res.statusCode, 504);
      assert.equal(res.json().message, "The document store did not answer in time.");
      assert.ok(elapsed >= 150 && elapsed < 5000, `answered after ${elapsed} ms`);
    });

    it("sends Cache-Control no-cache when HTTP_MAX_AGE_S is 0", async () => {
      const noMaxAge = appOn(store, { httpMaxAgeS: 0 });
      store.put("foo", { v: 1 });
      const res = await noMaxAge.inject({ url: "/api/foo" });
      await noMaxAge.close();
      assert.equal(res.headers["cache-control"], "no-cache");
    });
  });

  describe("headers", () => {
    it("sends the security headers of a JSON API and no X-Powered-By", async () => {
      store.put("foo", { v: 1 });
      for (const url of ["/api/foo", "/api/nope", "/healthz"]) {
        const res = await app.inject({ url });
        assert.equal(res.headers["x-content-type-options"], "nosniff", url);
        assert.equal(
          res.headers["content-security-policy"],
          "default-src 'none'; frame-ancestors 'none'",
          url,
        );
        assert.equal(res.headers["x-frame-options"], "DENY", url);
        assert.equal(res.headers["referrer-policy"], "no-referrer", url);
        assert.equal(res.headers["cross-origin-resource-policy"], "same-origin", url);
        assert.equal(res.headers["x-powered-by"], undefined, url);
      }
    });

    it("sends no CORS headers unless origins are configured", async () => {
      store.put("foo", { v: 1 });
      const res = await app.inject({ url: "/api/foo", headers: { origin: "https://example.com" } });
      assert.equal(res.headers["access-control-allow-origin"], undefined);
    });

    it("allows exactly the configured CORS origins, for GET and HEAD", async () => {
      const withCors = appOn(store, { corsOrigins: ["https://example.com"] });
      store.put("foo", { v: 1 });
      const allowed = await withCors.inject({ url: "/api/foo", headers: { origin: "https://example.com" } });
      const other = await withCors.inject({ url: "/api/foo", headers: { origin: "https://evil.example" } });
      const preflight = await withCors.inject({
        method: "OPTIONS",
        url: "/api/foo",
        headers: { origin: "https://example.com", "access-control-request-method": "GET" },
      });
      await withCors.close();
      assert.equal(allowed.headers["access-control-allow-origin"], "https://example.com");
      assert.equal(other.headers["access-control-allow-origin"], undefined);
      assert.equal(preflight.statusCode, 204);
      assert.equal(preflight.headers["access-control-allow-methods"], "GET, HEAD");
    });

    it("takes the request id from X-Amzn-Trace-Id and returns it", async () => {
      const trace = "Root=1-67891233-abcdef012345678912345678;Sampled=1";
      const res = await app.inject({ url: "/api/nope", headers: { "x-amzn-trace-id": trace } });
      assert.equal(res.headers["x-request-id"], trace);
      assert.equal(res.json().requestId, trace);
    });

    it("replaces a malformed X-Amzn-Trace-Id with a UUID", async () => {
      const res = await app.inject({
        url: "/healthz",
        headers: { "x-amzn-trace-id": `bad id ${"x".repeat(300)}` },
      });
      assert.match(
        String(res.headers["x-request-id"]),
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
    });

    it("takes the client address from the ALB's X-Forwarded-For entry only", async () => {
      let ip: string | undefined;
      app.get("/ip", async (request) => {
        ip = request.ip;
        return {};
      });
      await app.inject({
        url: "/ip",
        remoteAddress: "10.0.1.5",
        headers: { "x-forwarded-for": "6.6.6.6, 203.0.113.7" },
      });
      assert.equal(ip, "203.0.113.7");
    });
  });

  describe("logs", () => {
    it("writes exactly one JSON line per request, with status, latency and cache outcome; probes only at debug", async () => {
      const lines: string[] = [];
      const logged = appOn(store, {
        logger: { level: "info", stream: { write: (line: string) => lines.push(line) } },
      });
      store.put("foo", { v: 1 });
      await logged.inject({ url: "/api/foo", headers: { "x-amzn-trace-id": "Root=1-abc" } });
      await logged.inject({ url: "/api/foo" });
      await logged.inject({ url: "/api/.bad" });
      await logged.inject({ url: "/healthz" });
      await logged.inject({ url: "/readyz" });
      await logged.close();
      const entries = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === "request");
      assert.deepEqual(
        entries.map((e) => [e.reqId, e.method, e.url, e.statusCode, e.cache, typeof e.ms]),
        [
          ["Root=1-abc", "GET", "/api/foo", 200, "miss", "number"],
          [entries[1].reqId, "GET", "/api/foo", 200, "hit", "number"],
          [entries[2].reqId, "GET", "/api/.bad", 400, undefined, "number"],
        ],
      );
      assert.equal(lines.length, entries.length, `unexpected lines: ${lines.join("")}`);
    });
  });

  describe("GET /healthz", () => {
    it("answers 200 without touching S3, even when S3 is down", async () => {
      store.failure = new DocumentError("unavailable", "down");
      store.probeFailure = store.failure;
      const res = await app.inject({ url: "/healthz" });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { status: "ok" });
      assert.equal(store.reads.length + store.probes, 0);
    });

    it("answers POST with 405", async () => {
      const res = await app.inject({ method: "POST", url: "/healthz" });
      assert.equal(res.statusCode, 405);
    });
  });

  describe("GET /readyz", () => {
    it("answers 200 when S3 answers, probing S3 at most once per READY_CACHE_MS", async () => {
      for (let i = 0; i < 5; i++) assert.equal((await app.inject({ url: "/readyz" })).statusCode, 200);
      assert.equal(store.probes, 1);
    });

    it("answers 503 with Retry-After and no internals when S3 does not answer", async () => {
      store.probeFailure = new DocumentError(
        "unavailable",
        "connect ECONNREFUSED 10.0.0.1:443 secret-bucket",
      );
      const res = await app.inject({ url: "/readyz" });
      assert.equal(res.statusCode, 503);
      assert.equal(res.headers["retry-after"], "5");
      assert.equal(res.json().message, "The document store is not reachable.");
      assert.doesNotMatch(res.body, /secret-bucket/);
    });
  });

  describe("load shedding", () => {
    it("answers 503 with Retry-After while the event loop is saturated, except /healthz", async () => {
      const shedding = appOn(store, { shedEventLoopDelayMs: 20, shedSampleIntervalMs: 10, retryAfterS: 7 });
      store.put("foo", { v: 1 });
      await shedding.ready();
      // Block the event loop well past the threshold. The next loop turn runs the overdue sampler (timers come
      // before setImmediate), which records the delay; the requests follow before its next sample resets it.
      const until = performance.now() + 300;
      while (performance.now() < until);
      await new Promise((resolve) => setImmediate(resolve));
      const [shed, health] = await Promise.all([
        shedding.inject({ url: "/api/foo" }),
        shedding.inject({ url: "/healthz" }),
      ]);
      await shedding.close();
      assert.equal(shed.statusCode, 503);
      assert.equal(shed.headers["retry-after"], "7");
      assert.equal(shed.json().message, "The service is overloaded; retry later.");
      assert.equal(health.statusCode, 200);
    });
  });
});

describe("ifNoneMatchMatches", () => {
  const table: [header: string | undefined, matches: boolean][] = [
    [undefined, false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ['"x","y"', false],
    ["*", true],
    ['"ab"', false],
    ["", false],
  ];
  for (const [header, matches] of table) {
    it(`${matches ? "matches" : "does not match"} "abc" for If-None-Match ${JSON.stringify(header)}`, () => {
      assert.equal(ifNoneMatchMatches(header, '"abc"'), matches);
    });
  }
});
