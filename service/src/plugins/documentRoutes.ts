import type { FastifyInstance } from "fastify";
import type { DocumentSource } from "../cache";
import { keyProblem } from "../contract/keys";
import { ClientError } from "../errors";
import { ifNoneMatchMatches } from "../http";
import { onlyGetAndHead } from "./problems";

/** `GET /api/:key`: the document's exact bytes, with its validators; 304 for a matching If-None-Match. */

/** Document route settings; buildApp resolves the defaults. */
export interface DocumentRouteOptions {
  /** Documents by key (cached, or straight from the store). */
  readonly documents: DocumentSource;
  /** Milliseconds a document request may wait for S3 before it is answered 504. */
  readonly requestTimeoutMs: number;
  /** `max-age` of documents, in seconds (0 sends `no-cache`). */
  readonly httpMaxAgeS: number;
  /** Whether CORS answers OPTIONS (then it is no 405). */
  readonly corsEnabled: boolean;
}

export async function documentRoutes(app: FastifyInstance, options: DocumentRouteOptions): Promise<void> {
  const { documents, requestTimeoutMs } = options;
  const cacheControl = options.httpMaxAgeS > 0 ? `public, max-age=${options.httpMaxAgeS}` : "no-cache";

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
      const lookup = await documents.lookup(key, requestTimeoutMs);
      request.cacheStatus = lookup.cache;
      const document = lookup.document;
      if (!document) return reply.problem(404, `No document named ${JSON.stringify(key)}.`);
      reply.header("etag", document.etag).header("cache-control", cacheControl);
      if (document.lastModified) reply.header("last-modified", document.lastModified);
      if (ifNoneMatchMatches(request.headers["if-none-match"], document.etag)) return reply.code(304).send();
      return reply
        .type("application/json; charset=utf-8")
        .header("content-length", document.size)
        .send(document.body);
    },
  );
  onlyGetAndHead(app, "/api/:key", options.corsEnabled);
}
