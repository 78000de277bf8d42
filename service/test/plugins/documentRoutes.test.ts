import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { MAX_KEY_LENGTH } from "../../src/contract/keys";
import { appOn } from "../helpers/app";
import { FakeStore } from "../helpers/fakeStore";

describe("the document route (documentRoutes.ts)", () => {
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
});
