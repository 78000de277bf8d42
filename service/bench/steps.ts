import Fastify from "fastify";
import { buildApp } from "../src/app";
import { CachedDocuments } from "../src/cache";
import { requestIdOf, securityHeaders, trustHops } from "../src/http";
import { LogDestination } from "../src/logDestination";
import { Readiness } from "../src/readiness";
import { toDocument } from "../src/store";

/**
 * One server per step of bench/breakdown.ts, each adding a layer of the service to the bare route: `bare` (Fastify,
 * a constant JSON string), `logger` (+ pino at warn on the service's destination: a child logger per request),
 * `requestId` (+ the ALB trace id or a UUID, and trustProxy), `headers` (+ the security headers and X-Request-Id),
 * `app-warn` (the service's app on a cached document, LOG_LEVEL=warn), `app-info` (the same, with the request log).
 */

const step = process.argv[2];
const body = '{ "greeting": "I am the Foo" }';
const logger = { level: step === "app-info" ? "info" : "warn", stream: new LogDestination(1) };

function layered() {
  const app = Fastify({
    logger: step === "bare" ? false : logger,
    ...(step === "requestId" || step === "headers"
      ? { genReqId: requestIdOf, trustProxy: trustHops(1) }
      : {}),
  });
  if (step === "headers") {
    const headers = securityHeaders(false);
    app.addHook("onRequest", (request, reply, done) => {
      reply.headers(headers).header("x-request-id", request.id);
      done();
    });
  }
  app.get("/api/:key", async (_request, reply) => reply.type("application/json; charset=utf-8").send(body));
  return app;
}

function service() {
  const document = toDocument(Buffer.from(body), '"etag"', new Date(0).toUTCString());
  const store = {
    read: async () => ({ kind: "found" as const, document }),
    probe: async () => undefined,
  };
  const documents = new CachedDocuments(store, {
    ttlMs: 3_600_000,
    maxBytes: 1 << 20,
    maxEntries: 100,
    staleIfErrorMs: 0,
    loadTimeoutMs: 5000,
  });
  return buildApp(
    { documents, readiness: new Readiness(store, { cacheMs: 5000, timeoutMs: 1000 }) },
    { logger },
  );
}

const app = step?.startsWith("app-") ? service() : layered();
app
  .listen({ host: "127.0.0.1", port: 0 })
  .then((url) => process.stdout.write(`${JSON.stringify({ url })}\n`));
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
