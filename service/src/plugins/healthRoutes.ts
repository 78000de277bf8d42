import type { FastifyInstance } from "fastify";
import { HEALTH_PATH, READY_PATH } from "../contract/image";
import type { ReadinessState } from "../readiness";
import { onlyGetAndHead } from "./problems";

/** The probes: liveness (`/healthz`, never touches S3) and readiness (`/readyz`, S3 answers). */

/** Health route settings. */
export interface HealthRouteOptions {
  /** Whether S3 is reachable, for /readyz. */
  readonly readiness: { check(): Promise<ReadinessState> };
  /** Whether CORS answers OPTIONS (then it is no 405). */
  readonly corsEnabled: boolean;
}

export async function healthRoutes(app: FastifyInstance, options: HealthRouteOptions): Promise<void> {
  app.get(HEALTH_PATH, { config: { pressureHandler: () => undefined } }, async (_request, reply) => {
    // Liveness for the ALB: never touches S3, and is exempt from load shedding, so a busy task is not killed.
    reply.header("cache-control", "no-store");
    return { status: "ok" };
  });
  onlyGetAndHead(app, HEALTH_PATH, options.corsEnabled);

  app.get(READY_PATH, async (request, reply) => {
    const state = await options.readiness.check();
    if (!state.ready) {
      request.log.warn({ reason: state.reason }, "not ready");
      return reply.problem(503, "The document store is not reachable.");
    }
    reply.header("cache-control", "no-store");
    return { status: "ready" };
  });
  onlyGetAndHead(app, READY_PATH, options.corsEnabled);
}
