/**
 * hooks/smokeTest.ts, the pre-traffic lifecycle hook: its answers to ECS on small fake servers (every way a
 * check can fail, bad details, no load balancer found), then its handler run against the real JSON API started
 * locally on the content folder, as `npm start` runs it, with the checks the program gives it.
 */
import * as assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { jsonApiSmokeChecks, MISSING_KEY } from "../../components/jsonApi";
import {
  checkProblem,
  type Dependencies,
  type HookEvent,
  makeHandler,
  type SmokeTest,
  smokeTestProblem,
} from "../../hooks/smokeTest";
import { PROJECT_ROOT } from "../../lib/harness";

const LB = "app/api-test-lb-alb/0123456789abcdef";

/** Dependencies that find the given addresses, retry quickly and keep the log. */
function deps(addresses: string[] | Error, lines: Record<string, unknown>[] = []): Dependencies {
  return {
    findAddresses: async () => {
      if (addresses instanceof Error) throw addresses;
      return addresses;
    },
    attempts: 2,
    delayMs: 10,
    timeoutMs: 1000,
    log: (line) => lines.push(line),
  };
}

/** The event ECS sends at POST_TEST_TRAFFIC_SHIFT, with the details as ECS passes them: JSON text. */
const event = (details: unknown): HookEvent => ({
  executionId: "exec-1",
  lifecycleStage: "POST_TEST_TRAFFIC_SHIFT",
  resourceArn: "arn:aws:ecs:eu-west-1:123456789012:service-deployment/c/s/d",
  executionDetails: { targetServiceRevisionArn: "arn:aws:ecs:eu-west-1:123456789012:service-revision/c/s/2" },
  hookDetails: typeof details === "string" ? details : JSON.stringify(details),
});

/** A server answering each path from a table; records the Host headers it saw. */
async function fakeServer(
  answers: Record<string, [number, string]>,
): Promise<{ server: Server; port: number; hosts: string[] }> {
  const hosts: string[] = [];
  const server = createServer((req, res) => {
    hosts.push(String(req.headers.host));
    const [status, body] = answers[req.url ?? ""] ?? [404, "{}"];
    res.writeHead(status, { "content-type": "application/json" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, hosts };
}

describe("hooks/smokeTest: the pre-traffic smoke test", () => {
  describe("reading a check's answer", () => {
    const cases: [string, Parameters<typeof checkProblem>, string | undefined][] = [
      [
        "the expected status",
        [
          { path: "/", status: 200 },
          { status: 200, body: "" },
        ],
        undefined,
      ],
      [
        "another status",
        [
          { path: "/", status: 200 },
          { status: 502, body: "" },
        ],
        "status 502, expected 200",
      ],
      ["a connection error", [{ path: "/", status: 200 }, { error: "ECONNREFUSED" }], "ECONNREFUSED"],
      [
        "the same JSON in another key order",
        [
          { path: "/", status: 200, json: { a: 1, b: [1, 2] } },
          { status: 200, body: '{"b":[1,2],"a":1}' },
        ],
        undefined,
      ],
      [
        "different JSON",
        [
          { path: "/", status: 200, json: { a: 1 } },
          { status: 200, body: '{"a":2}' },
        ],
        "the body is not the expected document",
      ],
      [
        "a body that is not JSON",
        [
          { path: "/", status: 200, json: {} },
          { status: 200, body: "<html>" },
        ],
        "the body is not JSON",
      ],
    ];
    for (const [what, args, expected] of cases) {
      it(`${expected ? "fails" : "passes"} on ${what}`, () => assert.equal(checkProblem(...args), expected));
    }
  });

  describe("answering ECS", () => {
    let good: Awaited<ReturnType<typeof fakeServer>>;
    let bad: Awaited<ReturnType<typeof fakeServer>>;
    before(async () => {
      good = await fakeServer({ "/healthz": [200, '{"status":"ok"}'], "/api/foo": [200, '{"x":1}'] });
      bad = await fakeServer({ "/healthz": [200, "{}"], "/api/foo": [500, "{}"] });
    });
    after(() => {
      good.server.close();
      bad.server.close();
    });
    const test = (port: number): SmokeTest => ({
      loadBalancer: LB,
      port,
      host: "api.example.com",
      checks: [
        { path: "/healthz", status: 200 },
        { path: "/api/foo", status: 200, json: { x: 1 } },
      ],
    });

    it("succeeds when every check passes on every address, sending the route's host", async () => {
      const result = await makeHandler(deps(["127.0.0.1", "127.0.0.1"]))(event(test(good.port)));
      assert.deepEqual(result, { hookStatus: "SUCCEEDED" });
      assert.ok(good.hosts.length >= 4 && good.hosts.every((h) => h === "api.example.com"));
    });

    it("fails when a check fails on one address, after retrying it, and logs which", async () => {
      const lines: Record<string, unknown>[] = [];
      const result = await makeHandler(deps(["127.0.0.1"], lines))(event(test(bad.port)));
      assert.deepEqual(result, { hookStatus: "FAILED" });
      const attempts = lines.filter((l) => l.path === "/api/foo");
      assert.equal(attempts.length, 2, "the failing check is retried");
      const summary = lines.at(-1) as { failures: string[] };
      assert.deepEqual(summary.failures, [`127.0.0.1:${bad.port}/api/foo: status 500, expected 200`]);
    });

    it("checks the load balancer's addresses at once, so more nodes do not lengthen the test", async () => {
      // Each answer waits until three requests are in flight (or 2 s): only concurrent requests get there.
      let inFlight = 0;
      let most = 0;
      const waiting: (() => void)[] = [];
      const slow = createServer((_req, res) => {
        inFlight++;
        most = Math.max(most, inFlight);
        const answer = () => {
          inFlight--;
          res.writeHead(200, { "content-type": "application/json" });
          res.end("{}");
        };
        waiting.push(answer);
        if (waiting.length >= 3) for (const w of waiting.splice(0)) w();
        else
          setTimeout(
            () => waiting.includes(answer) && waiting.splice(waiting.indexOf(answer), 1) && answer(),
            2000,
          );
      });
      await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
      try {
        const port = (slow.address() as AddressInfo).port;
        const one: SmokeTest = {
          loadBalancer: LB,
          port,
          host: "localhost",
          checks: [{ path: "/", status: 200 }],
        };
        const result = await makeHandler(deps(["127.0.0.1", "127.0.0.1", "127.0.0.1"]))(event(one));
        assert.deepEqual(result, { hookStatus: "SUCCEEDED" });
        assert.equal(most, 3, "the three addresses' first checks were in flight together");
      } finally {
        slow.close();
      }
    });

    it("fails when nothing answers", async () => {
      const closed = await fakeServer({});
      closed.server.close();
      const result = await makeHandler(deps(["127.0.0.1"]))(event(test(closed.port)));
      assert.deepEqual(result, { hookStatus: "FAILED" });
    });

    it("fails when the load balancer has no network interface, or cannot be looked up", async () => {
      assert.deepEqual(await makeHandler(deps([]))(event(test(good.port))), { hookStatus: "FAILED" });
      assert.deepEqual(await makeHandler(deps(new Error("AccessDenied")))(event(test(good.port))), {
        hookStatus: "FAILED",
      });
    });

    it("fails, without requesting anything, on details that are not a smoke test", async () => {
      for (const details of [
        "not json",
        { ...test(good.port), checks: [] },
        { ...test(good.port), port: 0 },
      ]) {
        assert.deepEqual(await makeHandler(deps(["127.0.0.1"]))(event(details)), { hookStatus: "FAILED" });
      }
    });
  });

  describe("over HTTPS, when production serves TLS", () => {
    let server: import("node:https").Server | undefined;
    let port = 0;
    before(function () {
      // A throw-away self-signed certificate for another name than the address connected to, as the load
      // balancer's certificate is: openssl ships with the machine; without it there is nothing to test here.
      const dir = mkdtempSync(path.join(tmpdir(), "hook-tls-"));
      const made = spawnSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-days",
          "1",
          "-subj",
          "/CN=api.example.com",
          "-keyout",
          path.join(dir, "key.pem"),
          "-out",
          path.join(dir, "cert.pem"),
        ],
        { stdio: "ignore" },
      );
      if (made.status !== 0) this.skip();
      const tls = createHttpsServer(
        { key: readFileSync(path.join(dir, "key.pem")), cert: readFileSync(path.join(dir, "cert.pem")) },
        (req, res) => {
          res.writeHead(req.url === "/healthz" && req.headers.host === "api.example.com" ? 200 : 404);
          res.end("{}");
        },
      );
      server = tls;
      return new Promise<void>((resolve) =>
        tls.listen(0, "127.0.0.1", () => {
          port = (tls.address() as AddressInfo).port;
          resolve();
        }),
      );
    });
    after(() => server?.close());

    it("connects with TLS to the load balancer's address, though the certificate names the service's domain", async () => {
      const details: SmokeTest = {
        loadBalancer: LB,
        port,
        protocol: "https",
        host: "api.example.com",
        checks: [{ path: "/healthz", status: 200 }],
      };
      assert.deepEqual(await makeHandler(deps(["127.0.0.1"]))(event(details)), { hookStatus: "SUCCEEDED" });
      assert.deepEqual(await makeHandler(deps(["127.0.0.1"]))(event({ ...details, protocol: "http" })), {
        hookStatus: "FAILED",
      });
    });
  });

  describe("the details the program gives the hook", () => {
    it("are a smoke test the hook accepts", () => {
      const details = {
        loadBalancer: LB,
        port: 9000,
        host: "localhost",
        checks: jsonApiSmokeChecks({ key: "foo", json: {} }),
      };
      assert.equal(smokeTestProblem(details), undefined);
    });
  });

  describe("against the real JSON API, started locally on the content folder", () => {
    let child: ChildProcess;
    let port: number;
    before(async function () {
      this.timeout(60_000);
      child = spawn(process.execPath, ["--import", "tsx", path.join("dev", "local.ts")], {
        cwd: path.join(PROJECT_ROOT, "service"),
        env: { PATH: process.env.PATH, PORT: "0", LOG_LEVEL: "warn" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      port = await new Promise<number>((resolve, reject) => {
        child.stdout?.on("data", (chunk) => {
          stdout += chunk;
          const m = /^Service: http:\/\/[^:]+:(\d+)$/m.exec(stdout);
          if (m) resolve(Number(m[1]));
        });
        child.on("exit", (code) => reject(new Error(`the local run exited with ${code}`)));
      });
    });
    after(() => child?.kill("SIGINT"));

    const foo = () => JSON.parse(readFileSync(path.join(PROJECT_ROOT, "content", "foo.json"), "utf8"));
    const details = (checks: SmokeTest["checks"]): SmokeTest => ({
      loadBalancer: LB,
      port,
      host: "localhost",
      checks,
    });

    it("passes the program's checks: health, a seeded document as it is in content/, a missing key's 404", async () => {
      const checks = jsonApiSmokeChecks({ key: "foo", json: foo() });
      assert.deepEqual(
        checks.map((c) => c.path),
        ["/healthz", "/api/foo", `/api/${MISSING_KEY}`],
      );
      assert.deepEqual(await makeHandler(deps(["127.0.0.1"]))(event(details(checks))), {
        hookStatus: "SUCCEEDED",
      });
    });

    it("fails a revision that serves another document than the one seeded", async () => {
      const checks = jsonApiSmokeChecks({ key: "foo", json: { ...foo(), changed: true } });
      assert.deepEqual(await makeHandler(deps(["127.0.0.1"]))(event(details(checks))), {
        hookStatus: "FAILED",
      });
    });

    it("fails a revision that answers a missing key with anything but 404", async () => {
      const checks = [{ path: "/api/..%2Fetc", status: 404 }];
      assert.deepEqual(await makeHandler(deps(["127.0.0.1"]))(event(details(checks))), {
        hookStatus: "FAILED",
      });
    });
  });
});
