import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { DocumentError } from "../../src/errors";
import { appOn } from "../helpers/app";
import { FakeStore } from "../helpers/fakeStore";

describe("the probes (healthRoutes.ts)", () => {
  let store: FakeStore;
  let app: FastifyInstance;

  beforeEach(() => {
    store = new FakeStore();
    app = appOn(store);
  });
  afterEach(() => app.close());

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
});
