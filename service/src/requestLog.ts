import { type FastifyReply, type FastifyRequest, LogController } from "fastify";
import type { CacheStatus } from "./cache";

declare module "fastify" {
  interface FastifyRequest {
    /** How the document was found, for the request's log line; unset on routes without a document. */
    cacheStatus: CacheStatus | undefined;
  }
}

/** Pino's level values, to tell whether a line would be written at all. */
const LEVEL_VALUE: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};

/** Health and readiness probes, logged at debug level. */
const PROBES = new Set(["/healthz", "/readyz"]);

/**
 * One log line per request, when it completes, with its status, latency and cache outcome: Fastify's default
 * is two lines (received, completed) without the cache outcome.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}
  override routeNotFound(): void {}
  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    // The raw URL, not request.routeOptions (a getter that builds an object per call): the ALB and ECS probe the
    // exact paths.
    const probe = PROBES.has(request.raw.url ?? "");
    // Below the logger's level, skip building the line (the details cost more than the no-op call).
    if (!error && LEVEL_VALUE[request.log.level] > (probe ? 20 : 30)) return;
    const details = {
      method: request.method,
      url: request.url,
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100,
      cache: request.cacheStatus,
      ip: request.ip,
    };
    if (error) request.log.error({ ...details, err: error }, "request failed while responding");
    // The ALB and ECS probe every few seconds: their lines would drown the traffic's.
    else if (probe) request.log.debug(details, "request");
    else request.log.info(details, "request");
  }
}
