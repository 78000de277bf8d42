import assert from "node:assert/strict";
import { hostname } from "node:os";
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

  it("writes pino's line format: numeric level, epoch time, pid, hostname and request id, then the fields", async () => {
    const lines: string[] = [];
    const logged = appOn(store, {
      logger: { level: "info", stream: { write: (line: string) => lines.push(line) } },
    });
    store.put("foo", { v: 1 });
    const before = Date.now();
    await logged.inject({
      url: '/api/foo?q="quoted"\\back\u2028',
      headers: { "x-amzn-trace-id": "Root=1-abc" },
    });
    await logged.close();
    assert.equal(lines.length, 1);
    assert.ok(lines[0].endsWith("}\n"));
    const entry = JSON.parse(lines[0]);
    assert.deepEqual(Object.keys(entry), [
      "level",
      "time",
      "pid",
      "hostname",
      "reqId",
      "method",
      "url",
      "statusCode",
      "ms",
      "cache",
      "ip",
      "msg",
    ]);
    assert.equal(entry.level, 30);
    assert.ok(entry.time >= before && entry.time <= Date.now());
    assert.equal(entry.pid, process.pid);
    assert.equal(entry.hostname, hostname());
    assert.equal(entry.reqId, "Root=1-abc");
    // As received (inject percent-encodes what a client would); the backslash needs JSON escaping.
    assert.equal(entry.url, "/api/foo?q=%22quoted%22\\back%E2%80%A8");
    assert.equal(entry.ip, "127.0.0.1");
    assert.equal(entry.msg, "request");
  });
});
