import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { Agent } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CONTENT_DIR,
  EMULATOR_CREDENTIALS,
  type Emulator,
  putDocument,
  startEmulator,
  uploadContent,
} from "../dev/emulator";
import { type RunningServer, startServer } from "../src/server";
import { httpGet } from "./helpers/http";
import { S3Proxy } from "./helpers/s3Proxy";

const BUCKET = "docs";
const PREFIX = "content/";

describe("the service over HTTP against the S3 emulator", () => {
  let emulator: Emulator;
  let proxy: S3Proxy;
  let contentKeys: string[];
  const servers: RunningServer[] = [];
  const savedEnv = { ...process.env };

  /** Starts the real server (as server.ts does in the container) on a free loopback port, via the proxy. */
  async function serve(env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
    const server = await startServer(
      {
        BUCKET_NAME: BUCKET,
        KEY_PREFIX: PREFIX,
        AWS_ENDPOINT_URL_S3: proxy.endpoint,
        HOST: "127.0.0.1",
        PORT: "0",
        LOG_LEVEL: "silent",
        ...env,
      },
      { handleSignals: false },
    );
    servers.push(server);
    return server;
  }

  before(async () => {
    // The service's S3 client takes its credentials from the SDK's chain, as in ECS; here, the emulator's.
    process.env.AWS_ACCESS_KEY_ID = EMULATOR_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = EMULATOR_CREDENTIALS.secretAccessKey;
    emulator = await startEmulator({ buckets: [BUCKET] });
    contentKeys = await uploadContent(emulator.client, BUCKET, PREFIX);
  });
  after(async () => {
    await emulator.close();
    process.env = savedEnv;
  });
  beforeEach(async () => {
    proxy = await S3Proxy.start(emulator.endpoint);
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await proxy.close();
  });

  it("serves every document of the content folder byte for byte", async () => {
    const { url } = await serve();
    assert.ok(contentKeys.includes("foo"));
    for (const key of contentKeys) {
      const res = await httpGet(url, `/api/${key}`);
      assert.equal(res.status, 200, key);
      assert.equal(res.body, await readFile(join(CONTENT_DIR, `${key}.json`), "utf8"));
      assert.equal(res.headers["content-type"], "application/json; charset=utf-8");
    }
    const foo = await httpGet(url, "/api/foo");
    assert.deepEqual(JSON.parse(foo.body), { greeting: "I am the Foo" });
  });

  it("serves a large document byte for byte, and refuses one that is not UTF-8 with 502", async () => {
    const large = JSON.stringify({
      items: Array.from({ length: 20_000 }, (_, i) => ({ i, name: `élément ${i}` })),
    });
    await putDocument(emulator.client, BUCKET, "content/large.json", large);
    await putDocument(
      emulator.client,
      BUCKET,
      "content/latin1.json",
      Buffer.from('{"name":"caf\xe9"}', "latin1"),
    );
    const { url } = await serve();
    const res = await httpGet(url, "/api/large");
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-length"], String(Buffer.byteLength(large)));
    assert.equal(res.body, large);
    assert.equal((await httpGet(url, "/api/latin1")).status, 502);
  });

  it("answers 400 for dot segments and encoded slashes sent raw, without asking S3", async () => {
    const { url } = await serve();
    for (const path of [
      "/api/..",
      "/api/%2e%2e",
      "/api/..%2f..%2fetc%2fpasswd",
      "/api/%2Fetc",
      "/api/a%00",
    ]) {
      const res = await httpGet(url, path);
      assert.equal(res.status, 400, path);
      assert.equal(JSON.parse(res.body).statusCode, 400);
    }
    assert.equal(proxy.requests.length, 0);
  });

  it("answers 404 for a missing document and for unknown paths, 405 for other methods", async () => {
    const { url } = await serve();
    assert.equal((await httpGet(url, "/api/nope")).status, 404);
    assert.equal((await httpGet(url, "/nope")).status, 404);
    const del = await httpGet(url, "/api/foo", { method: "DELETE" });
    assert.equal(del.status, 405);
    assert.equal(del.headers.allow, "GET, HEAD");
  });

  it("revalidates an expired copy with If-None-Match and keeps it on S3's 304", async () => {
    const { url } = await serve({ CACHE_TTL_MS: "150" });
    const first = await httpGet(url, "/api/foo");
    await sleep(200);
    const second = await httpGet(url, "/api/foo");
    assert.equal(second.status, 200);
    assert.equal(second.body, first.body);
    assert.equal(second.headers.etag, first.headers.etag);
    assert.deepEqual(
      proxy.gets(BUCKET, "content/foo.json").map((r) => [r.ifNoneMatch, r.status]),
      [
        [undefined, 200],
        [first.headers.etag, 304],
      ],
    );
  });

  it("picks up a changed object after the TTL", async () => {
    await putDocument(emulator.client, BUCKET, "content/changing.json", '{"v":1}');
    const { url } = await serve({ CACHE_TTL_MS: "150" });
    assert.equal((await httpGet(url, "/api/changing")).body, '{"v":1}');
    await putDocument(emulator.client, BUCKET, "content/changing.json", '{"v":2}');
    assert.equal((await httpGet(url, "/api/changing")).body, '{"v":1}');
    await sleep(200);
    assert.equal((await httpGet(url, "/api/changing")).body, '{"v":2}');
  });

  it("answers a client's matching If-None-Match with 304", async () => {
    const { url } = await serve();
    const first = await httpGet(url, "/api/foo");
    const second = await httpGet(url, "/api/foo", {
      headers: { "if-none-match": String(first.headers.etag) },
    });
    assert.equal(second.status, 304);
    assert.equal(second.body, "");
  });

  it("coalesces concurrent misses for one key into a single S3 GET", async () => {
    await putDocument(emulator.client, BUCKET, "content/popular.json", '{"popular":true}');
    const { url } = await serve();
    proxy.delayMs = 200;
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => httpGet(url, "/api/popular", { agent })),
    );
    agent.destroy();
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    assert.equal(proxy.gets(BUCKET, "content/popular.json").length, 1);
  });

  it("answers 502 for an object that is not JSON and for one over MAX_DOCUMENT_BYTES", async () => {
    await putDocument(emulator.client, BUCKET, "content/broken.json", "{ not json");
    await putDocument(
      emulator.client,
      BUCKET,
      "content/huge.json",
      JSON.stringify({ pad: "x".repeat(4096) }),
    );
    const { url } = await serve({ MAX_DOCUMENT_BYTES: "1024" });
    const broken = await httpGet(url, "/api/broken");
    const huge = await httpGet(url, "/api/huge");
    assert.equal(broken.status, 502);
    assert.equal(JSON.parse(broken.body).message, "The stored document is not valid JSON.");
    assert.equal(huge.status, 502);
    assert.equal(JSON.parse(huge.body).message, "The document is too large to serve.");
  });

  it("answers 502 when S3 denies access", async () => {
    // s3rver checks the access key id, not the SigV4 signature.
    process.env.AWS_ACCESS_KEY_ID = "WRONG";
    try {
      const { url } = await serve();
      const res = await httpGet(url, "/api/foo");
      assert.equal(res.status, 502);
      assert.equal(JSON.parse(res.body).message, "The document store refused the request.");
    } finally {
      process.env.AWS_ACCESS_KEY_ID = EMULATOR_CREDENTIALS.accessKeyId;
    }
  });

  it("answers 504 within the request budget when S3 is slow", async () => {
    const { url } = await serve({ REQUEST_TIMEOUT_MS: "1000", S3_ATTEMPT_TIMEOUT_MS: "900" });
    proxy.delayMs = 10_000;
    const res = await httpGet(url, "/api/foo");
    assert.equal(res.status, 504);
    assert.equal(JSON.parse(res.body).message, "The document store did not answer in time.");
    // The budget is 1 s; the margin only absorbs a loaded CI machine.
    assert.ok(res.ms >= 900 && res.ms < 4000, `answered after ${Math.round(res.ms)} ms`);
  });

  it("answers 503 with Retry-After when S3 is unreachable, and /readyz turns 503 while /healthz stays 200", async () => {
    const { url } = await serve({ RETRY_AFTER_S: "9" });
    assert.equal((await httpGet(url, "/readyz")).status, 200);
    await proxy.close();
    const res = await httpGet(url, "/api/foo");
    assert.equal(res.status, 503);
    assert.equal(res.headers["retry-after"], "9");
    assert.equal(JSON.parse(res.body).message, "The document store is unavailable; retry later.");
    assert.equal((await httpGet(url, "/healthz")).status, 200);
    proxy = await S3Proxy.start(emulator.endpoint);
  });

  it("reports not ready once S3 stops answering, after READY_CACHE_MS", async () => {
    const { url } = await serve({ READY_CACHE_MS: "100" });
    assert.equal((await httpGet(url, "/readyz")).status, 200);
    await proxy.close();
    await sleep(150);
    const res = await httpGet(url, "/readyz");
    assert.equal(res.status, 503);
    assert.equal(res.headers["retry-after"], "5");
    proxy = await S3Proxy.start(emulator.endpoint);
  });

  it("keeps serving a cached copy while S3 is down, within CACHE_STALE_IF_ERROR_MS", async () => {
    const { url } = await serve({ CACHE_TTL_MS: "100" });
    const first = await httpGet(url, "/api/foo");
    await proxy.close();
    await sleep(150);
    const res = await httpGet(url, "/api/foo");
    assert.equal(res.status, 200);
    assert.equal(res.body, first.body);
    proxy = await S3Proxy.start(emulator.endpoint);
  });

  it("serves the cached copy when S3 turns slow, once the SDK's attempts time out within the budget", async () => {
    const { url } = await serve({
      CACHE_TTL_MS: "100",
      REQUEST_TIMEOUT_MS: "4000",
      S3_ATTEMPT_TIMEOUT_MS: "300",
      S3_MAX_ATTEMPTS: "2",
    });
    const first = await httpGet(url, "/api/foo");
    await sleep(150);
    proxy.delayMs = 10_000;
    const res = await httpGet(url, "/api/foo");
    assert.equal(res.status, 200);
    assert.equal(res.body, first.body);
    // Two 300 ms attempts and the SDK's backoff; well inside the 4 s budget even on a loaded machine.
    assert.ok(res.ms < 4000, `answered after ${Math.round(res.ms)} ms`);
  });

  it("reads S3 on every request when CACHE_TTL_MS is 0", async () => {
    const { url } = await serve({ CACHE_TTL_MS: "0" });
    for (let i = 0; i < 3; i++) assert.equal((await httpGet(url, "/api/foo")).status, 200);
    assert.equal(proxy.gets(BUCKET, "content/foo.json").length, 3);
  });

  describe("keep-alive", () => {
    it("keeps idle connections longer than the ALB's 60 s idle timeout by default", async () => {
      const { app, url } = await serve();
      assert.equal(app.server.keepAliveTimeout, 65_000);
      const res = await httpGet(url, "/healthz", { agent: new Agent({ keepAlive: true }) });
      assert.equal(res.headers["keep-alive"], "timeout=65");
    });

    it("closes an idle connection only after KEEP_ALIVE_TIMEOUT_MS", async () => {
      const { url } = await serve({
        KEEP_ALIVE_TIMEOUT_MS: "1500",
        REQUEST_TIMEOUT_MS: "1000",
        S3_ATTEMPT_TIMEOUT_MS: "500",
      });
      const { port } = new URL(url);
      const socket = connect(Number(port), "127.0.0.1");
      let answeredAt = 0;
      let received = "";
      const closedAt = new Promise<number>((resolve) => socket.on("close", () => resolve(performance.now())));
      socket.on("data", (chunk) => {
        received += chunk.toString();
        answeredAt ||= performance.now();
      });
      socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n");
      const idle = (await closedAt) - answeredAt;
      assert.match(received, /^HTTP\/1\.1 200 OK/);
      // Node closes on its next timer tick after the timeout; the upper bound only absorbs a loaded machine.
      assert.ok(idle >= 1400 && idle < 5000, `closed after ${Math.round(idle)} ms idle`);
    });
  });
});
