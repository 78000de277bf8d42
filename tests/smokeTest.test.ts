/**
 * .github/scripts/smoke-test.mjs, run for real against a local server standing in for a stack's services: every
 * service from the `services` output is checked by its kind, retried while the deployment settles, and the
 * script gives up by its own deadline, saying why for each service.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { PROJECT_ROOT } from "../lib/harness";
import { run } from "./runScript";

const script = path.join(PROJECT_ROOT, ".github", "scripts", "smoke-test.mjs");
const expected = path.join(PROJECT_ROOT, "content", "foo.json");
const MISSING = "/api/smoke-test-no-such-document_";

describe("smoke-test.mjs", () => {
  let server: Server;
  let base: string;
  let behaviour: { failuresLeft: number; document: string; missingStatus?: number; hang?: boolean };
  const hits: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? "";
      hits.push(url);
      if (behaviour.hang) return; // never answers
      if (behaviour.failuresLeft > 0) {
        behaviour.failuresLeft--;
        res.writeHead(503).end();
      } else if (url === "/api-svc/healthz" || url === "/worker/ping") {
        res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      } else if (url === "/api-svc/api/foo") {
        res.writeHead(200, { "content-type": "application/json" }).end(behaviour.document);
      } else if (url.startsWith("/api-svc/api/") && behaviour.missingStatus) {
        res.writeHead(behaviour.missingStatus).end();
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    hits.length = 0;
  });

  const services = () =>
    JSON.stringify({
      api: { url: `${base}/api-svc/`, healthCheckPath: "/healthz", smokeTest: "json-api" },
      worker: { url: `${base}/worker`, healthCheckPath: "/ping", smokeTest: "health" },
    });
  const smoke = (env: Record<string, string> = {}, args = ["foo", expected]) =>
    run("node", [script, ...args], {
      SERVICES: services(),
      SMOKE_DEADLINE_SECONDS: "3",
      SMOKE_DELAY_SECONDS: "0.2",
      SMOKE_TIMEOUT_SECONDS: "1",
      ...env,
    });
  const sameDocumentReordered = () => {
    const doc = JSON.parse(readFileSync(expected, "utf8"));
    return JSON.stringify(Object.fromEntries(Object.entries(doc).reverse()), null, 2);
  };

  it("passes when each service answers as its kind requires: json-api health, document, missing key; health", async () => {
    behaviour = { failuresLeft: 0, document: sameDocumentReordered() };
    const result = await smoke();
    assert.equal(result.code, 0, result.output);
    assert.deepEqual(hits, ["/api-svc/healthz", "/api-svc/api/foo", `/api-svc${MISSING}`, "/worker/ping"]);
    assert.match(result.output, /api: passed on attempt 1 \(json-api/);
    assert.match(result.output, /worker: passed on attempt 1 \(health/);
  });

  it("fails when a missing document is not 404 (S3 answering AccessDenied for absent keys)", async () => {
    behaviour = { failuresLeft: 0, document: sameDocumentReordered(), missingStatus: 502 };
    const result = await smoke();
    assert.equal(result.code, 1);
    assert.match(
      result.output,
      /api: a missing key \/api\/smoke-test-no-such-document_ answered 502, not 404/,
    );
    assert.doesNotMatch(result.output, /^\s+worker:/m, "the worker passed and is not reported");
  });

  it("retries while the deployment settles and passes once the services answer", async () => {
    behaviour = { failuresLeft: 3, document: sameDocumentReordered() };
    const result = await smoke();
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /api: attempt 1: \/healthz answered 503/);
    assert.match(result.output, /passed on attempt [23]/);
  });

  it("fails by its deadline when the document differs, naming the service and the reason", async () => {
    behaviour = { failuresLeft: 0, document: '{"greeting":"someone else"}' };
    const started = Date.now();
    const result = await smoke({ SMOKE_DEADLINE_SECONDS: "1" });
    assert.equal(result.code, 1);
    assert.match(
      result.output,
      /1 service\(s\) did not pass by the deadline:\n\s+api: \/api\/foo is not the same JSON as/,
    );
    assert.ok(Date.now() - started < 5000);
  });

  it("stops at its deadline even when every request hangs, and says why", async () => {
    behaviour = { failuresLeft: 0, document: "", hang: true };
    const started = Date.now();
    const result = await smoke({ SMOKE_DEADLINE_SECONDS: "2", SMOKE_TIMEOUT_SECONDS: "5" });
    const elapsed = Date.now() - started;
    assert.equal(result.code, 1);
    // Each request is cut at the deadline, not at its own 5 s: two services, one request each, all within ~2 s.
    assert.ok(elapsed < 4500, `took ${elapsed} ms`);
    assert.match(result.output, /api: \/healthz answered nothing/);
    assert.match(result.output, /worker: \/ping answered nothing/);
  });

  it("fails when nothing listens at the URL", async () => {
    const result = await smoke({
      SERVICES: JSON.stringify({
        api: { url: "http://127.0.0.1:9", healthCheckPath: "/healthz", smokeTest: "health" },
      }),
      SMOKE_DEADLINE_SECONDS: "0.5",
    });
    assert.equal(result.code, 1);
    assert.match(result.output, /api: \/healthz answered nothing/);
  });

  it("rejects bad arguments and services with exit code 2 and every problem named", async () => {
    behaviour = { failuresLeft: 0, document: "" };
    assert.deepEqual(await smoke({}, ["foo"]), {
      code: 2,
      output: "usage: SERVICES='<json>' smoke-test.mjs <document-key> <expected-json-file>\n",
    });
    const bad = await smoke({
      SERVICES: JSON.stringify({
        api: { url: "example.com", healthCheckPath: "healthz", smokeTest: "ping" },
      }),
    });
    assert.deepEqual(bad, {
      code: 2,
      output:
        'smoke test: api: url "example.com" is not an http(s) URL\n' +
        'smoke test: api: healthCheckPath "healthz" does not start with /\n' +
        'smoke test: api: smokeTest "ping" is not one of json-api, health\n',
    });
    assert.equal((await smoke({ SERVICES: "{}" })).code, 2);
    assert.equal(hits.length, 0, "nothing is requested before the arguments are checked");
  });
});
