import { type Agent, request } from "node:http";

/** An answer over a real socket. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** Milliseconds from sending to the end of the body. */
  readonly ms: number;
}

/** Options of one request. */
export interface HttpOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** Defaults to a fresh connection (no keep-alive). */
  readonly agent?: Agent | false;
}

/**
 * One HTTP request with the path sent exactly as given (no URL normalisation, unlike fetch and inject), so
 * "/api/.." reaches the server as a client could send it.
 */
export function httpGet(base: string, path: string, options: HttpOptions = {}): Promise<HttpAnswer> {
  const url = new URL(base);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: options.method ?? "GET",
        headers: options.headers,
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            ms: performance.now() - started,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}
