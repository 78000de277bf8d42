import { STATUS_CODES } from "node:http";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { DocumentError, type FailureKind } from "../errors";

/**
 * Error handling: every failure becomes a JSON problem body with the right status, in one error handler; 5xx
 * bodies never show internals (bucket, key, S3's message, a stack), which go to the log instead.
 */

declare module "fastify" {
  interface FastifyReply {
    /** Answers `statusCode` with a JSON problem body (`message` must be safe to show). */
    problem(statusCode: number, message: string): FastifyReply;
  }
}

/** The JSON body of every error answer. */
export interface Problem {
  /** The HTTP status, repeated for clients that only see the body. */
  readonly statusCode: number;
  /** The status's reason phrase. */
  readonly error: string;
  /** What happened, without internals. */
  readonly message: string;
  /** The request id (the ALB's X-Amzn-Trace-Id when present), to find the request's log line. */
  readonly requestId: string;
}

/** How problems are answered. */
export interface ProblemOptions {
  /** `Retry-After` of 503 answers, in seconds. */
  readonly retryAfterS: number;
  /** Headers every answer carries (the security headers), set again here for errors raised before any hook ran. */
  readonly headers: Readonly<Record<string, string>>;
}

/** What a client is told for each upstream failure: enough to act on, nothing about our internals. */
export const FAILURE_MESSAGE: Readonly<Record<FailureKind, string>> = {
  timeout: "The document store did not answer in time.",
  unavailable: "The document store is unavailable; retry later.",
  denied: "The document store refused the request.",
  "too-large": "The document is too large to serve.",
  "invalid-json": "The stored document is not valid JSON.",
  upstream: "The document store failed.",
};

/** Sends problem bodies; also for the router's own errors (bad or overlong paths), which reach no plugin. */
export function problemSender(options: ProblemOptions) {
  const retryAfter = String(options.retryAfterS);
  return (request: FastifyRequest, reply: FastifyReply, statusCode: number, message: string) => {
    const body: Problem = {
      statusCode,
      error: STATUS_CODES[statusCode] ?? "Error",
      message,
      requestId: request.id,
    };
    reply
      .code(statusCode)
      .header("x-request-id", request.id)
      .headers(options.headers)
      .header("cache-control", "no-store")
      .type("application/json; charset=utf-8");
    if (statusCode === 503) reply.header("retry-after", retryAfter);
    return reply.send(body);
  };
}

/** The one error handler and the 404 handler, and `reply.problem` for the routes. */
export const problems = fp(
  async (app: FastifyInstance, options: ProblemOptions) => {
    const send = problemSender(options);
    app.decorateReply("problem", function problem(this: FastifyReply, statusCode: number, message: string) {
      return send(this.request, this, statusCode, message);
    });

    app.setErrorHandler((error: FastifyError | DocumentError, request, reply) => {
      if (error instanceof DocumentError) {
        // Access denied is a deployment fault someone must fix; the others are S3's weather.
        const level = error.kind === "denied" || error.kind === "upstream" ? "error" : "warn";
        request.log[level]({ err: error, kind: error.kind }, "document read failed");
        return send(request, reply, error.statusCode, FAILURE_MESSAGE[error.kind]);
      }
      const status = error.statusCode ?? 500;
      // 4xx messages name only what the client sent (ClientError, Fastify's own 4xx).
      if (status >= 400 && status < 500) return send(request, reply, status, error.message);
      // @fastify/under-pressure's 503: the event loop is saturated.
      if (status === 503) return send(request, reply, 503, "The service is overloaded; retry later.");
      request.log.error({ err: error }, "unexpected error");
      return send(request, reply, 500, "Something went wrong.");
    });

    app.setNotFoundHandler((request, reply) =>
      send(request, reply, 404, `No route for ${request.method} ${request.url.split("?")[0]}.`),
    );
  },
  { name: "problems", fastify: "5.x" },
);

/**
 * Every method but GET and HEAD (and OPTIONS when CORS answers preflights) on `url` answers 405 with
 * `Allow: GET, HEAD`, rather than 404 or a crash. Needs the problems plugin.
 */
export function onlyGetAndHead(app: FastifyInstance, url: string, corsEnabled: boolean): void {
  const handled = new Set(["GET", "HEAD", ...(corsEnabled ? ["OPTIONS"] : [])]);
  const notAllowed = async (request: FastifyRequest, reply: FastifyReply) =>
    reply.header("allow", "GET, HEAD").problem(405, `${request.method} is not allowed; use GET or HEAD.`);
  app.route({
    method: app.supportedMethods.filter((method) => !handled.has(method)),
    url,
    // Answer in onRequest, before Fastify reads a body: otherwise a body would get 415 or 413 instead of 405.
    onRequest: notAllowed,
    handler: notAllowed,
  });
}
