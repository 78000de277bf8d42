import { STATUS_CODES } from "node:http";
import cors from "@fastify/cors";
import underPressure from "@fastify/under-pressure";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import type { DocumentSource } from "./cache";
import { keyProblem } from "./contract/keys";
import { ClientError, DocumentError, type FailureKind } from "./errors";
import { ifNoneMatchMatches, requestIdOf, securityHeaders, trustHops } from "./http";
import type { ReadinessState } from "./readiness";
import { RequestLog } from "./requestLog";

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

/** What a client is told for each upstream failure: enough to act on, nothing about our internals. */
const FAILURE_MESSAGE: Readonly<Record<FailureKind, string>> = {
  timeout: "The document store did not answer in time.",
  unavailable: "The document store is unavailable; retry later.",
  denied: "The document store refused the request.",
  "too-large": "The document is too large to serve.",
  "invalid-json": "The stored document is not valid JSON.",
  upstream: "The document store failed.",
};

/** The longest path segment the router hands to a handler; longer ones get 414 (keys are far shorter). */
export const MAX_PATH_PARAM_LENGTH = 1024;

/** Builds the service's Fastify instance (routes, hooks, plugins). Never listens: server.ts and tests do. */
export function buildApp(deps: AppDeps, options: AppOptions = {}): FastifyInstance {
  const requestTimeoutMs = options.requestTimeoutMs ?? 5000;
  const httpMaxAgeS = options.httpMaxAgeS ?? 30;
  const retryAfterS = options.retryAfterS ?? 5;
  const corsOrigins = options.corsOrigins ?? [];
  const shedEventLoopDelayMs = options.shedEventLoopDelayMs ?? 250;
  const documentCacheControl = httpMaxAgeS > 0 ? `public, max-age=${httpMaxAgeS}` : "no-cache";

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
    // A malformed (%E0%A4%A) or overlong path never reaches a route; answer it in the same shape as every error.
    frameworkErrors: (error, request, reply) => {
      const tooLong = error.code === "FST_ERR_MAX_PARAM_LENGTH";
      const message = tooLong ? "The path is too long." : "The path is not valid.";
      return sendProblem(request as FastifyRequest, reply as FastifyReply, tooLong ? 414 : 400, message);
    },
  });

  app.decorateRequest("cacheStatus", undefined);

  if (corsOrigins.length > 0) {
    app.register(cors, { origin: [...corsOrigins], methods: ["GET", "HEAD"], maxAge: 600 });
  }
  if (shedEventLoopDelayMs > 0) {
    app.register(underPressure, {
      maxEventLoopDelay: shedEventLoopDelayMs,
      sampleInterval: options.shedSampleIntervalMs ?? 500,
      retryAfter: retryAfterS,
    });
  }

  const headers = securityHeaders(corsOrigins.length > 0);
  // Callback-style hooks: on the hot path, an async hook's promise per request is measurable.
  app.addHook("onRequest", (request, reply, done) => {
    reply.headers(headers).header("x-request-id", request.id);
    done();
  });

  // On shutdown, Node closes idle keep-alive connections, but a connection whose request is still in flight would
  // stay open, idle, until keepAliveTimeout (65 s), far past ECS's stop timeout: tell its client to hang up.
  let closing = false;
  app.addHook("preClose", (done) => {
    closing = true;
    done();
  });
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (closing) reply.header("connection", "close");
    done(null, payload);
  });

  app.setErrorHandler((error: FastifyError | DocumentError | ClientError, request, reply) => {
    if (error instanceof DocumentError) {
      // Access denied is a deployment fault someone must fix; the others are S3's weather.
      const level = error.kind === "denied" || error.kind === "upstream" ? "error" : "warn";
      request.log[level]({ err: error, kind: error.kind }, "document read failed");
      return sendProblem(request, reply, error.statusCode, FAILURE_MESSAGE[error.kind]);
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendProblem(request, reply, status, error.message);
    if (status === 503) return sendProblem(request, reply, 503, "The service is overloaded; retry later.");
    request.log.error({ err: error }, "unexpected error");
    return sendProblem(request, reply, 500, "Something went wrong.");
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, 404, `No route for ${request.method} ${request.url.split("?")[0]}.`),
  );

  function sendProblem(request: FastifyRequest, reply: FastifyReply, statusCode: number, message: string) {
    const body: Problem = {
      statusCode,
      error: STATUS_CODES[statusCode] ?? "Error",
      message,
      requestId: request.id,
    };
    reply
      .code(statusCode)
      .header("x-request-id", request.id)
      .headers(headers)
      .header("cache-control", "no-store")
      .type("application/json; charset=utf-8");
    if (statusCode === 503) reply.header("retry-after", String(retryAfterS));
    return reply.send(body);
  }

  /** Every method but GET and HEAD on `url` answers 405 with Allow, rather than 404 or a crash. */
  function onlyGetAndHead(url: string) {
    const handled = new Set(["GET", "HEAD", ...(corsOrigins.length > 0 ? ["OPTIONS"] : [])]);
    const notAllowed = async (request: FastifyRequest, reply: FastifyReply) => {
      reply.header("allow", "GET, HEAD");
      return sendProblem(request, reply, 405, `${request.method} is not allowed; use GET or HEAD.`);
    };
    app.route({
      method: app.supportedMethods.filter((method) => !handled.has(method)),
      url,
      // Answer in onRequest, before Fastify reads a body: otherwise a body would get 415 or 413 instead of 405.
      onRequest: notAllowed,
      handler: notAllowed,
    });
  }

  app.get("/healthz", { config: { pressureHandler: () => undefined } }, async (_request, reply) => {
    // Liveness for the ALB: never touches S3, and is exempt from load shedding, so a busy task is not killed.
    reply.header("cache-control", "no-store");
    return { status: "ok" };
  });
  onlyGetAndHead("/healthz");

  app.get("/readyz", async (request, reply) => {
    const state = await deps.readiness.check();
    if (!state.ready) {
      request.log.warn({ reason: state.reason }, "not ready");
      return sendProblem(request, reply, 503, "The document store is not reachable.");
    }
    reply.header("cache-control", "no-store");
    return { status: "ready" };
  });
  onlyGetAndHead("/readyz");

  app.get<{ Params: { key: string } }>(
    "/api/:key",
    // No params schema: keyProblem (shared with the infrastructure) is the rule, with its exact messages, and a
    // schema would load and compile Ajv at start for nothing more. No handlerTimeout either: it costs a timer, an
    // AbortController and a listener per request (measured: a quarter of a cached request's CPU); the budget is
    // enforced where a request can wait, on an S3 read (DocumentSource.lookup), and a cached answer needs none.
    async (request, reply) => {
      const { key } = request.params;
      const problem = keyProblem(key);
      if (problem) {
        const shown = key.length > 40 ? `${key.slice(0, 40)}...` : key;
        throw new ClientError(400, `The key ${JSON.stringify(shown)} ${problem}.`);
      }
      const lookup = await deps.documents.lookup(key, requestTimeoutMs);
      request.cacheStatus = lookup.cache;
      const document = lookup.document;
      if (!document) return sendProblem(request, reply, 404, `No document named ${JSON.stringify(key)}.`);
      reply.header("etag", document.etag).header("cache-control", documentCacheControl);
      if (document.lastModified) reply.header("last-modified", document.lastModified);
      if (ifNoneMatchMatches(request.headers["if-none-match"], document.etag)) return reply.code(304).send();
      return reply
        .type("application/json; charset=utf-8")
        .header("content-length", document.size)
        .send(document.body);
    },
  );
  onlyGetAndHead("/api/:key");

  return app;
}
