// The "hello world" page: a second, different service on the same cluster and load balancer as the JSON API.
// Node's own http module and nothing else, so the image needs no dependencies. It serves index.html at `/` and
// `/index.html`, answers `/healthz` for the load balancer, 404 for anything else and 405 for other methods,
// keeps idle connections open longer than the ALB does, and drains on SIGTERM.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

/** Reads a whole-number environment variable within bounds, or exits naming the problem. */
function integer(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(
      JSON.stringify({
        level: "fatal",
        msg: `${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw)})`,
      }),
    );
    process.exit(1);
  }
  return value;
}

const port = integer("PORT", 8080, 0, 65535);
// Above the ALB's idle timeout (60 s by default), or the ALB may reuse a connection this server is closing.
const keepAliveTimeoutMs = integer("KEEP_ALIVE_TIMEOUT_MS", 65_000, 1000, 3_600_000);
const shutdownTimeoutMs = integer("SHUTDOWN_TIMEOUT_MS", 10_000, 1000, 110_000);
const page = readFileSync(new URL("./index.html", import.meta.url));

const HEADERS = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
};

/** One JSON log line per request, like the API's. */
function log(request, status, started) {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(
    JSON.stringify({
      level: "info",
      time: Date.now(),
      method: request.method,
      url: request.url,
      status,
      ms: Math.round(ms * 10) / 10,
    }),
  );
}

const server = createServer((request, response) => {
  const started = process.hrtime.bigint();
  const path = (request.url ?? "/").split("?")[0];
  const send = (status, type, body) => {
    response.writeHead(status, {
      ...HEADERS,
      "content-type": type,
      "content-length": Buffer.byteLength(body),
    });
    response.end(request.method === "HEAD" ? undefined : body);
    if (path !== "/healthz") log(request, status, started);
  };
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.setHeader("allow", "GET, HEAD");
    return send(405, "application/json", JSON.stringify({ statusCode: 405, error: "Method Not Allowed" }));
  }
  if (path === "/healthz") return send(200, "application/json", '{"status":"ok"}');
  if (path === "/" || path === "/index.html") return send(200, "text/html; charset=utf-8", page);
  return send(404, "application/json", JSON.stringify({ statusCode: 404, error: "Not Found" }));
});
server.keepAliveTimeout = keepAliveTimeoutMs;
// The headers timeout must exceed the keep-alive timeout, or Node closes idle sockets early.
server.headersTimeout = keepAliveTimeoutMs + 1000;

server.listen(port, "0.0.0.0", () => {
  console.log(JSON.stringify({ level: "info", msg: "listening", port: server.address().port }));
});

process.once("SIGTERM", () => {
  // Stop accepting, close idle keep-alive connections, let in-flight requests finish, then exit.
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), shutdownTimeoutMs).unref();
});
