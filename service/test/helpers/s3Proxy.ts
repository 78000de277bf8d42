import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** One request the proxy forwarded, and what S3 answered. */
export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly ifNoneMatch: string | undefined;
  /** The SigV4 Authorization header: its `Credential=<access key id>/...` names the signing credentials. */
  readonly authorization: string | undefined;
  /** X-Amz-Security-Token: the session token of temporary credentials (a task role's). */
  readonly securityToken: string | undefined;
  status?: number;
}

/**
 * A loopback HTTP proxy in front of the S3 emulator: it records every request (to count S3 calls and see the
 * conditional ones) and can hold requests back, to play a slow S3. Stopping it closes its port: an unreachable S3.
 */
export class S3Proxy {
  readonly requests: ProxiedRequest[] = [];
  /** Milliseconds each request waits before it is forwarded. */
  delayMs = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #target: URL;

  private constructor(target: string) {
    this.#target = new URL(target);
    this.#server = createServer(async (req, res) => {
      const record: ProxiedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        ifNoneMatch: req.headers["if-none-match"] as string | undefined,
        authorization: req.headers.authorization,
        securityToken: req.headers["x-amz-security-token"] as string | undefined,
      };
      this.requests.push(record);
      if (this.delayMs > 0) await sleep(this.delayMs);
      if (res.destroyed) return;
      const upstream = httpRequest(
        {
          host: this.#target.hostname,
          port: this.#target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          record.status = answer.statusCode;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    });
    this.#server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
  }

  /** Starts a proxy on 127.0.0.1 to `target` (the emulator's endpoint). */
  static async start(target: string): Promise<S3Proxy> {
    const proxy = new S3Proxy(target);
    await new Promise<void>((resolve) => proxy.#server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  /** The proxy's endpoint: the service's AWS_ENDPOINT_URL_S3. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** The GET requests for `objectKey` in `bucket` (path-style), as S3 saw them. */
  gets(bucket: string, objectKey: string): ProxiedRequest[] {
    return this.requests.filter(
      (r) => r.method === "GET" && r.path.split("?")[0] === `/${bucket}/${objectKey}`,
    );
  }

  /** Closes the port and every open connection. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
