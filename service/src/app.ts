import Fastify, { type FastifyInstance } from "fastify";
import type { DocumentSource } from "./cache";
import { requestIdOf, securityHeaders, trustHops } from "./http";
import { documentRoutes } from "./plugins/documentRoutes";
import { healthRoutes } from "./plugins/healthRoutes";
import { lifecycle } from "./plugins/lifecycle";
import { problemSender, problems } from "./plugins/problems";
import type { ReadinessState } from "./readiness";
import { RequestLog } from "./requestLog";

export type { Problem } from "./plugins/problems";

/** What the app reads from. */
export interface AppDeps {
  /** Documents by key (cached, or straight from the store). */
  readonly documents: DocumentSource;
  /** Whether S3 is reachable, for /readyz. */
  readonly readiness: { check(): Promise<ReadinessState> };
}

/** How the app behaves; every field has the production default. */
export interface AppOptions {
  /** Fastify's logger: pino options, or false for none. Defaults to false. */
  readonly logger?: boolean | Record<string, unknown>;
  /** Milliseconds a document request may take before it is answered 504. Defaults to 5000. */
  readonly requestTimeoutMs?: number;
  /** Milliseconds an idle keep-alive connection stays open; above the ALB's 60 s idle timeout. Defaults to 65000. */
  readonly keepAliveTimeoutMs?: number;
  /** `max-age` of documents, in seconds (0 sends `no-cache`). Defaults to 30. */
  readonly httpMaxAgeS?: number;
  /** `Retry-After` of 503 answers, in seconds. Defaults to 5. */
  readonly retryAfterS?: number;
  /** Proxies between the client and us whose X-Forwarded-For entry is trusted. Defaults to 1 (the ALB). */
  readonly trustProxyHops?: number;
  /** Origins allowed by CORS; empty turns CORS off. Defaults to []. */
  readonly corsOrigins?: readonly string[];
  /** Shed load (503) when the mean event loop delay passes this many milliseconds; 0 disables. Defaults to 250. */
  readonly shedEventLoopDelayMs?: number;
  /** How often the event loop delay is sampled, in milliseconds. Defaults to 500. */
  readonly shedSampleIntervalMs?: number;
}

/** The longest path segment the router hands to a handler; longer ones get 414 (keys are far shorter). */
export const MAX_PATH_PARAM_LENGTH = 1024;

/**
 * Builds the service's Fastify instance from its plugins: lifecycle (hooks, headers, shedding, CORS), problems
 * (the error handler), then the document and health routes. Never listens: server.ts and tests do.
 */
export function buildApp(deps: AppDeps, options: AppOptions = {}): FastifyInstance {
  const retryAfterS = options.retryAfterS ?? 5;
  const corsOrigins = options.corsOrigins ?? [];
  const corsEnabled = corsOrigins.length > 0;
  const headers = securityHeaders(corsEnabled);
  const sendProblem = problemSender({ retryAfterS, headers });

  const app: FastifyInstance = Fastify({
    logger: options.logger ?? false,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 65_000,
    // The ALB appends the client's address to X-Forwarded-For; trusting only its hop(s) ignores what clients forge.
    trustProxy: trustHops(options.trustProxyHops ?? 1),
    genReqId: requestIdOf,
    logController: new RequestLog(),
    // We accept no bodies: GET and HEAD only.
    bodyLimit: 1024,
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    // A malformed (%E0%A4%A) or overlong path never reaches a route or a plugin; answer it in the same shape.
    frameworkErrors: (error, request, reply) => {
      const tooLong = error.code === "FST_ERR_MAX_PARAM_LENGTH";
      return sendProblem(
        request,
        reply,
        tooLong ? 414 : 400,
        `The path is ${tooLong ? "too long" : "not valid"}.`,
      );
    },
  });

  app.register(lifecycle, {
    headers,
    corsOrigins,
    shedEventLoopDelayMs: options.shedEventLoopDelayMs ?? 250,
    shedSampleIntervalMs: options.shedSampleIntervalMs ?? 500,
    retryAfterS,
  });
  app.register(problems, { retryAfterS, headers });
  app.register(documentRoutes, {
    documents: deps.documents,
    requestTimeoutMs: options.requestTimeoutMs ?? 5000,
    httpMaxAgeS: options.httpMaxAgeS ?? 30,
    corsEnabled,
  });
  app.register(healthRoutes, { readiness: deps.readiness, corsEnabled });
  return app;
}
