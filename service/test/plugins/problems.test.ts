import assert from "node:assert/strict";
import Fastify, { type FastifyInstance } from "fastify";
import { DocumentError, type FailureKind } from "../../src/errors";
import { problems } from "../../src/plugins/problems";
import { appOn } from "../helpers/app";
import { FakeStore } from "../helpers/fakeStore";

describe("error answers (problems.ts)", () => {
  let store: FakeStore;
  let app: FastifyInstance;

  beforeEach(() => {
    store = new FakeStore();
    app = appOn(store);
  });
  afterEach(() => app.close());

  describe("document read failures", () => {
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
  });

  describe("unknown paths", () => {
    it("answers 404 for the API root and for nested paths", async () => {
      for (const url of ["/api", "/api/foo/bar", "/api/foo/", "/"]) {
        const res = await app.inject({ url });
        assert.equal(res.statusCode, 404, url);
        assert.equal(res.json().statusCode, 404);
      }
      assert.equal(store.reads.length, 0);
    });
  });

  describe("unexpected errors", () => {
    /** A bare Fastify with only this plugin, a route that fails as a bug would, and a log to read. */
    async function failing(error: Error) {
      const lines: { level: number; msg: string; err?: { message: string } }[] = [];
      const bare = Fastify({
        logger: { level: "info", stream: { write: (line: string) => lines.push(JSON.parse(line)) } },
      });
      await bare.register(problems, { retryAfterS: 9, headers: { "x-content-type-options": "nosniff" } });
      bare.get("/boom", async () => {
        throw error;
      });
      const res = await bare.inject({ url: "/boom" });
      await bare.close();
      return { res, logged: lines.filter((line) => line.msg === "unexpected error") };
    }

    it("answers 500 with a generic message, never the error's message or stack, and logs the error", async () => {
      const { res, logged } = await failing(new TypeError("cannot read s3://secret-bucket/key"));
      assert.equal(res.statusCode, 500);
      assert.deepEqual(res.json(), {
        statusCode: 500,
        error: "Internal Server Error",
        message: "Something went wrong.",
        requestId: res.json().requestId,
      });
      assert.doesNotMatch(res.body, /secret-bucket|TypeError|at /);
      assert.equal(res.headers["cache-control"], "no-store");
      assert.equal(res.headers["x-content-type-options"], "nosniff");
      assert.equal(logged.length, 1);
      assert.equal(logged[0].level, 50);
      assert.equal(logged[0].err?.message, "cannot read s3://secret-bucket/key");
    });

    it("hides the message of any 5xx error it did not write itself", async () => {
      const error = Object.assign(new Error("upstream pool exhausted at 10.0.0.7"), { statusCode: 502 });
      const { res } = await failing(error);
      assert.equal(res.statusCode, 500);
      assert.doesNotMatch(res.body, /10\.0\.0\.7/);
    });

    it("shows the message of a 4xx error, which names only what the client sent", async () => {
      const error = Object.assign(new Error("The key is too long."), { statusCode: 400 });
      const { res } = await failing(error);
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().message, "The key is too long.");
    });
  });
});
