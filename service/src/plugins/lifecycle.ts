import cors from "@fastify/cors";
import underPressure from "@fastify/under-pressure";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/**
 * What every request goes through, whatever its route: CORS, load shedding, the security headers and the request
 * id on every answer, and `Connection: close` once the server is shutting down.
 */

/** Lifecycle settings; buildApp resolves the defaults. */
export interface LifecycleOptions {
  /** Headers every answer carries (the security headers). */
  readonly headers: Readonly<Record<string, string>>;
  /** Origins allowed by CORS; empty turns CORS off. */
  readonly corsOrigins: readonly string[];
  /** Shed load (503) when the mean event loop delay passes this many milliseconds; 0 disables. */
  readonly shedEventLoopDelayMs: number;
  /** How often the event loop delay is sampled, in milliseconds. */
  readonly shedSampleIntervalMs: number;
  /** `Retry-After` of a shed request, in seconds. */
  readonly retryAfterS: number;
}

export const lifecycle = fp(
  async (app: FastifyInstance, options: LifecycleOptions) => {
    // Read by the request log (requestLog.ts); set by the document route.
    app.decorateRequest("cacheStatus", undefined);

    if (options.corsOrigins.length > 0) {
      await app.register(cors, { origin: [...options.corsOrigins], methods: ["GET", "HEAD"], maxAge: 600 });
    }
    if (options.shedEventLoopDelayMs > 0) {
      // Routes opt out with `config: { pressureHandler: () => undefined }` (the liveness probe does).
      await app.register(underPressure, {
        maxEventLoopDelay: options.shedEventLoopDelayMs,
        sampleInterval: options.shedSampleIntervalMs,
        retryAfter: options.retryAfterS,
      });
    }

    const { headers } = options;
    // Callback-style hooks: on the hot path, an async hook's promise per request is measurable.
    app.addHook("onRequest", (request, reply, done) => {
      reply.headers(headers).header("x-request-id", request.id);
      done();
    });

    // On shutdown, Node closes idle keep-alive connections, but a connection whose request is still in flight
    // would stay open, idle, until keepAliveTimeout (65 s), far past ECS's stop timeout: tell its client to hang up.
    let closing = false;
    app.addHook("preClose", (done) => {
      closing = true;
      done();
    });
    app.addHook("onSend", (_request, reply, payload, done) => {
      if (closing) reply.header("connection", "close");
      done(null, payload);
    });
  },
  { name: "lifecycle", fastify: "5.x" },
);
