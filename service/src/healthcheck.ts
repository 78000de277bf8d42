import { request } from "node:http";

/**
 * The container health check (`node dist/healthcheck.js`; the slim image has no curl): GET /healthz on this
 * container's own port, exit 0 on 200 and 1 on anything else, within a short timeout. No other imports, so it
 * starts in a few tens of milliseconds.
 */

/** How long the check waits for an answer; ECS's own health check timeout is longer. */
export const HEALTHCHECK_TIMEOUT_MS = 2000;

/** Resolves to true when http://127.0.0.1:`port`/healthz answers 200 within `timeoutMs`. */
export function checkHealth(port: number, timeoutMs = HEALTHCHECK_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/healthz", method: "GET", timeout: timeoutMs, agent: false },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", () => resolve(false));
    req.end();
  });
}

if (require.main === module) {
  const port = Number(process.env.PORT ?? 8080);
  void checkHealth(Number.isInteger(port) && port > 0 && port < 65536 ? port : 8080).then((healthy) => {
    process.exitCode = healthy ? 0 : 1;
  });
}
