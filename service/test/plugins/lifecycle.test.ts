import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { appOn } from "../helpers/app";
import { FakeStore } from "../helpers/fakeStore";

describe("every request (lifecycle.ts)", () => {
  let store: FakeStore;
  let app: FastifyInstance;

  beforeEach(() => {
    store = new FakeStore();
    app = appOn(store);
  });
  afterEach(() => app.close());

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
