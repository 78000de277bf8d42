import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { Agent, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { EMULATOR_CREDENTIALS, type Emulator, startEmulator, uploadContent } from "../dev/emulator";
import { httpGet } from "./helpers/http";
import { S3Proxy } from "./helpers/s3Proxy";

/**
 * The image's entry points as the container runs them: `node dist/server.js`, `node dist/healthcheck.js` and the
 * warm-up, in child processes on the Node that runs the tests. They are the image's files: the bundle
 * (build/bundle.js, as the Dockerfile runs it) written to a temporary folder with no node_modules anywhere above
 * it, so a dependency left out of the bundle fails here, not in the task.
 */

const SERVICE_DIR = join(__dirname, "..");
let IMAGE_DIR = "";
let SERVER = "";
let HEALTHCHECK = "";
let WARMUP = "";

/** A child process's outcome. */
interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A started `node dist/server.js`. */
interface Child {
  readonly process: ChildProcess;
  /** Its URL, read from its "Server listening" log line. */
  readonly url: string;
  readonly exited: Promise<Exit>;
}

function run(
  file: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
  uid?: number,
): { process: ChildProcess; exited: Promise<Exit> } {
  const child = spawn(process.execPath, [file, ...args], {
    cwd: IMAGE_DIR,
    ...(uid === undefined ? {} : { uid, gid: uid }),
    env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<Exit>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { process: child, exited };
}

/** Starts the server and waits for its listening line. */
async function startChild(env: NodeJS.ProcessEnv): Promise<Child> {
  const { process: child, exited } = run(SERVER, env);
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    child.stdout?.on("data", (chunk) => {
      buffered += chunk;
      const match = /"msg":"Server listening at (http:\/\/[^"]+)"/.exec(buffered);
      if (match) resolve(match[1]);
    });
    void exited.then((exit) => reject(new Error(`the server exited early: ${exit.code} ${exit.stderr}`)));
  });
  return { process: child, url, exited };
}

describe("the image's server process (the bundle)", () => {
  let emulator: Emulator;
  let proxy: S3Proxy;
  const children: ChildProcess[] = [];

  before(async function () {
    this.timeout(120_000);
    IMAGE_DIR = await mkdtemp(join(tmpdir(), "image-dist-"));
    // mkdtemp makes 0700 folders: the task's user (uid 1000) must read the files, as in the image.
    await chmod(IMAGE_DIR, 0o755);
    const bundled = spawnSync(process.execPath, [join(SERVICE_DIR, "build", "bundle.js"), IMAGE_DIR], {
      encoding: "utf8",
    });
    assert.equal(bundled.status, 0, bundled.stderr);
    SERVER = join(IMAGE_DIR, "server.js");
    HEALTHCHECK = join(IMAGE_DIR, "healthcheck.js");
    WARMUP = join(IMAGE_DIR, "warmup.js");
    emulator = await startEmulator({ buckets: ["docs"] });
    await uploadContent(emulator.client, "docs", "");
    proxy = await S3Proxy.start(emulator.endpoint);
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await proxy.close();
    await emulator.close();
    await rm(IMAGE_DIR, { recursive: true, force: true });
  });

  const serverEnv = () => ({
    BUCKET_NAME: "docs",
    AWS_ENDPOINT_URL_S3: proxy.endpoint,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    HOST: "127.0.0.1",
    PORT: "0",
  });

  it("exits 1 with one line naming the variable when the environment is invalid", async () => {
    const { exited } = run(SERVER, { AWS_REGION: "eu-west-1", PORT: "99999" });
    const exit = await exited;
    assert.equal(exit.code, 1);
    assert.equal(
      exit.stderr,
      "Invalid environment: BUCKET_NAME is required (an S3 bucket name (3-63 lowercase letters, digits, '.' and '-')); " +
        'PORT must be an integer from 0 to 65535 (got "99999")\n',
    );
  });

  it("logs JSON lines, one per request, with the status, latency and cache outcome", async () => {
    const child = await startChild(serverEnv());
    children.push(child.process);
    await httpGet(child.url, "/api/foo");
    await httpGet(child.url, "/api/foo");
    child.process.kill("SIGTERM");
    const exit = await child.exited;
    const lines = exit.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const requests = lines.filter((line) => line.msg === "request");
    assert.deepEqual(
      requests.map((line) => [line.level, line.method, line.url, line.statusCode, line.cache]),
      [
        [30, "GET", "/api/foo", 200, "miss"],
        [30, "GET", "/api/foo", 200, "hit"],
      ],
    );
    for (const line of requests) {
      assert.equal(typeof line.time, "number");
      assert.equal(typeof line.ms, "number");
      assert.equal(typeof line.reqId, "string");
    }
  });

  it("on SIGTERM finishes the request in flight, refuses new work and exits 0", async () => {
    const child = await startChild(serverEnv());
    children.push(child.process);
    // The S3 client loads on first use (or a second after start): load it first, or the in-flight request below
    // would spend the test's timing on loading it rather than waiting on S3.
    await httpGet(child.url, "/api/foo");
    proxy.delayMs = 1000;
    try {
      const agent = new Agent({ keepAlive: true });
      const inFlight = httpGet(child.url, "/api/bar", { agent });
      await sleep(300);
      child.process.kill("SIGTERM");
      await sleep(200);
      await assert.rejects(httpGet(child.url, "/healthz"), { code: "ECONNREFUSED" });
      const answer = await inFlight;
      assert.equal(answer.status, 200);
      assert.deepEqual(JSON.parse(answer.body), { greeting: "I am the Bar", items: [1, 2, 3] });
      const started = performance.now();
      const exit = await child.exited;
      agent.destroy();
      assert.equal(exit.code, 0, exit.stderr);
      // A keep-alive connection must not hold the process until KEEP_ALIVE_TIMEOUT_MS (65 s).
      assert.ok(performance.now() - started < 10_000);
      assert.match(exit.stdout, /"signal":"SIGTERM","msg":"shutting down"/);
    } finally {
      proxy.delayMs = 0;
    }
  });

  describe("the compile cache warm-up (warmup.js)", () => {
    const major = Number(process.versions.node.split(".")[0]);
    let cache: string;
    beforeEach(async function () {
      // Node 22.1+ writes the cache; Node 20 ignores the variable.
      if (major < 22) this.skip();
      cache = await mkdtemp(join(tmpdir(), "compile-cache-"));
    });
    afterEach(async () => {
      if (cache) await rm(cache, { recursive: true, force: true });
    });

    it("fills the cache without touching S3, and --check proves that a second start reads every module from it", async () => {
      const filled = await run(WARMUP, { NODE_COMPILE_CACHE: cache }).exited;
      assert.equal(filled.code, 0, filled.stderr);
      assert.equal(filled.stderr, "");
      const checked = await run(WARMUP, { NODE_COMPILE_CACHE: cache }, ["--check"]).exited;
      assert.equal(checked.code, 0, checked.stderr);
      // Two files: the warm-up and the server bundle, the S3 client inside it (which the server loads lazily and
      // the warm-up loads too, so that it is cached). From node_modules it was 338 files.
      assert.match(checked.stdout, /^compile cache: all 2 modules came from /);
    });

    it("--check fails the build when the cache is empty", async () => {
      const checked = await run(WARMUP, { NODE_COMPILE_CACHE: cache }, ["--check"]).exited;
      assert.equal(checked.code, 1);
      assert.match(checked.stderr, /no module came from the cache/);
    });

    it("--check fails when another user filled the cache: Node keeps one folder per user id", async function () {
      // The image's old bug: the warm-up ran as root, the task runs as uid 1000. Needs root to play both users, and
      // a checkout uid 1000 can read (not one under a private home folder).
      if (process.getuid?.() !== 0) this.skip();
      const probe = spawnSync(
        process.execPath,
        ["-e", `require("fs").accessSync(${JSON.stringify(WARMUP)})`],
        {
          uid: 1000,
          gid: 1000,
        },
      );
      if (probe.status !== 0) this.skip();
      await chmod(cache, 0o777);
      const filled = await run(WARMUP, { NODE_COMPILE_CACHE: cache }).exited;
      assert.equal(filled.code, 0, filled.stderr);
      const checked = await run(WARMUP, { NODE_COMPILE_CACHE: cache }, ["--check"], 1000).exited;
      assert.equal(checked.code, 1, checked.stdout);
      assert.match(checked.stderr, /warm-up check for uid 1000: .*compiled from source/);
    });
  });

  it("signs its S3 reads with the task role's credentials, from the ECS container credentials endpoint", async () => {
    // In a task the SDK finds no keys in the environment and asks the ECS agent's endpoint for the task role's
    // temporary credentials: a provider the SDK loads with a dynamic import, which the bundle must hold. Played
    // here by a loopback endpoint (the SDK accepts AWS_CONTAINER_CREDENTIALS_FULL_URI on loopback hosts).
    const credentials = {
      AccessKeyId: "ASIATASKROLEEXAMPLE",
      SecretAccessKey: "task-role-secret",
      Token: "task-role-session-token",
      Expiration: new Date(Date.now() + 3_600_000).toISOString(),
    };
    const asked: string[] = [];
    const endpoint = createServer((req, res) => {
      asked.push(`${req.method} ${req.url} ${req.headers.authorization ?? ""}`);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(credentials));
    });
    await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
    const { port } = endpoint.address() as AddressInfo;
    try {
      const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...withoutKeys } = serverEnv();
      const child = await startChild({
        ...withoutKeys,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/v2/credentials/task`,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: "agent-token",
      });
      children.push(child.process);
      const before = proxy.requests.length;
      await httpGet(child.url, "/api/foo");
      child.process.kill("SIGTERM");
      await child.exited;
      const read = proxy.requests.slice(before).find((r) => r.path.includes("foo.json"));
      assert.ok(read, "the service did not read foo.json from S3");
      assert.match(String(read.authorization), /Credential=ASIATASKROLEEXAMPLE\//);
      assert.equal(read.securityToken, "task-role-session-token");
      assert.deepEqual(asked, ["GET /v2/credentials/task agent-token"]);
    } finally {
      endpoint.close();
    }
  });

  it("has a health check script that exits 0 while the server is up and 1 once it is gone", async () => {
    const child = await startChild(serverEnv());
    children.push(child.process);
    const port = new URL(child.url).port;
    const up = await run(HEALTHCHECK, { PORT: port }).exited;
    child.process.kill("SIGTERM");
    await child.exited;
    const down = await run(HEALTHCHECK, { PORT: port }).exited;
    assert.equal(up.code, 0);
    assert.equal(down.code, 1);
  });
});
