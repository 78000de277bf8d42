import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { appOn } from "./helpers/app";
import { FakeStore } from "./helpers/fakeStore";

describe("the request log (requestLog.ts)", () => {
  let store: FakeStore;
  let app: FastifyInstance;

  beforeEach(() => {
    store = new FakeStore();
    app = appOn(store);
  });
  afterEach(() => app.close());

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
});
