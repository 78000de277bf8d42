/**
 * web/: the "hello world" page, the second service of the two-services example, run for real on loopback: the
 * page, its health check, what it refuses, its keep-alive above the ALB's idle timeout, and its drain on SIGTERM.
 */
import * as assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import * as path from "node:path";
import { PROJECT_ROOT } from "../lib/harness";

const SERVER = path.join(PROJECT_ROOT, "web", "server.mjs");

/** Starts the server on a free port with `env`; resolves once it listens. */
function start(
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; port: number; output: string[] }> {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (d) => {
      for (const line of String(d).split("\n").filter(Boolean)) {
        output.push(line);
        const m = /"port":(\d+)/.exec(line);
        if (m) resolve({ child, port: Number(m[1]), output });
      }
    });
    child.stderr?.on("data", (d) => output.push(String(d)));
    child.on("exit", (code) => reject(new Error(`server exited with ${code}: ${output.join("")}`)));
  });
}

/** One request; resolves with the status, headers and body. */
function get(
  port: number,
  pathName: string,
  method = "GET",
  agent: Agent | false = false,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: pathName, method, agent }, (res) => {
      let body = "";
      res.on("data", (d) => {
        body += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("web: the hello world page", () => {
  let server: Awaited<ReturnType<typeof start>>;
  before(async () => {
    server = await start();
  });
  after(() => server.child.kill("SIGKILL"));

  it("serves the page at / and /index.html, byte for byte the file", async () => {
    const file = readFileSync(path.join(PROJECT_ROOT, "web", "index.html"), "utf8");
    for (const p of ["/", "/index.html", "/?utm=x"]) {
      const res = await get(server.port, p);
      assert.equal(res.status, 200, p);
      assert.equal(res.headers["content-type"], "text/html; charset=utf-8");
      assert.equal(res.body, file);
    }
  });

  it("answers the load balancer's health check at /healthz", async () => {
    const res = await get(server.port, "/healthz");
    assert.deepEqual([res.status, JSON.parse(res.body)], [200, { status: "ok" }]);
  });

  it("answers a path it does not serve with a JSON 404, and other methods with 405 and Allow", async () => {
    const missing = await get(server.port, "/nope");
    assert.deepEqual([missing.status, JSON.parse(missing.body).statusCode], [404, 404]);
    const post = await get(server.port, "/", "POST");
    assert.deepEqual([post.status, post.headers.allow], [405, "GET, HEAD"]);
  });

  it("sends no body to HEAD and forbids sniffing and framing", async () => {
    const res = await get(server.port, "/", "HEAD");
    assert.equal(res.body, "");
    assert.equal(res.headers["x-content-type-options"], "nosniff");
    assert.match(String(res.headers["content-security-policy"]), /frame-ancestors 'none'/);
  });

  it("logs each page request as a JSON line, but not the health checks", async () => {
    await get(server.port, "/index.html");
    await get(server.port, "/healthz");
    await new Promise((r) => setTimeout(r, 50));
    const lines = server.output.map((l) => JSON.parse(l)).filter((l) => l.url !== undefined);
    assert.ok(lines.some((l) => l.url === "/index.html" && l.status === 200 && typeof l.ms === "number"));
    assert.ok(!lines.some((l) => l.url === "/healthz"));
  });
});

describe("web: its settings and its shutdown", () => {
  it("keeps idle connections open for KEEP_ALIVE_TIMEOUT_MS, above the ALB's 60 s by default", async () => {
    const server = await start();
    const agent = new Agent({ keepAlive: true });
    try {
      const res = await get(server.port, "/healthz", "GET", agent);
      assert.match(String(res.headers["keep-alive"] ?? ""), /timeout=65\b/);
    } finally {
      agent.destroy();
      server.child.kill("SIGKILL");
    }
  });

  it("refuses a setting out of range, naming it", async () => {
    await assert.rejects(
      start({ KEEP_ALIVE_TIMEOUT_MS: "soon" }),
      /KEEP_ALIVE_TIMEOUT_MS must be a whole number from 1000 to 3600000/,
    );
  });

  it("exits cleanly on SIGTERM", async () => {
    const server = await start();
    const exited = new Promise<number | null>((resolve) => server.child.on("exit", (code) => resolve(code)));
    server.child.kill("SIGTERM");
    assert.equal(await exited, 0);
  });
});

describe("web: its image", () => {
  /** The base image a Dockerfile's stages start from, with its ARG defaults substituted. */
  function bases(file: string): string[] {
    const text = readFileSync(path.join(PROJECT_ROOT, file), "utf8");
    const args = Object.fromEntries([...text.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
    return [...text.matchAll(/^FROM (?:--platform=\S+ )?(\S+)/gm)].map((m) =>
      m[1].replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? `\${${name}}`),
    );
  }

  it("starts from the API's base image, pinned by the same digest", () => {
    const api = bases("service/Dockerfile");
    const web = bases("web/Dockerfile");
    assert.equal(new Set(api).size, 1, `service/Dockerfile's stages start from one image: ${api.join(", ")}`);
    assert.deepEqual(web, [api[0]]);
    assert.match(web[0], /^node:[\d.]+-slim@sha256:[0-9a-f]{64}$/);
  });
});
