import type { S3Client } from "@aws-sdk/client-s3";
import closeWithGrace from "close-with-grace";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app";
import { CachedDocuments, type DocumentSource, UncachedDocuments } from "./cache";
import { ConfigError, loadConfig, type ServiceConfig } from "./config";
import { LogDestination } from "./logDestination";
import { Readiness } from "./readiness";
import { createS3Client, S3DocumentStore } from "./s3Store";

/** The container's entry point (`node dist/server.js`): environment -> app -> listen -> graceful shutdown. */

/** A started service. */
export interface RunningServer {
  /** The Fastify instance, listening. */
  readonly app: FastifyInstance;
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** The configuration it was started with. */
  readonly config: ServiceConfig;
  /** Closes the server (in-flight requests finish first) and the S3 client. */
  close(): Promise<void>;
  /** Loads the AWS SDK and creates the S3 client now (the warm-up), rather than on first use. */
  loadS3Client(): void;
}

/** Milliseconds after listening when the S3 client is loaded, if no request needed it before. */
export const S3_PRELOAD_DELAY_MS = 1000;

/** Options for embedding the server (the local run, tests). */
export interface StartOptions {
  /** Install SIGTERM/SIGINT handlers that close gracefully and exit. Defaults to true. */
  readonly handleSignals?: boolean;
  /** Runs after the server has closed, before the process exits (the local run stops its emulator here). */
  readonly onClose?: () => Promise<void>;
}

/** stdout for the JSON lines, one per process, written out when the process exits. */
let stdoutLines: LogDestination | undefined;
function stdoutDestination(): LogDestination {
  if (!stdoutLines) {
    const destination = new LogDestination(1);
    process.on("exit", () => destination.flushSync());
    stdoutLines = destination;
  }
  return stdoutLines;
}

/**
 * Pino options: JSON lines with pino's own numeric level (30 info, 40 warn, 50 error) and epoch-millisecond time;
 * a level label and an ISO time cost 5 us a line, measured, at one line per request. Lines are written
 * asynchronously, a turn's lines at once (a blocking write per request costs a third of the throughput; see
 * LogDestination), and flushed on exit. Pretty only on a terminal.
 */
function loggerOptions(level: string): Record<string, unknown> {
  if (process.stdout.isTTY && canResolve("pino-pretty")) {
    return {
      level,
      transport: { target: "pino-pretty", options: { translateTime: "HH:MM:ss.l", ignore: "pid,hostname" } },
    };
  }
  return { level, stream: stdoutDestination() };
}

/** True when `name` is installed: pino-pretty is a dev dependency, absent from the image. */
function canResolve(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** Reads the environment, builds the app on S3 and listens. Throws ConfigError for a bad environment. */
export async function startServer(
  env: NodeJS.ProcessEnv,
  options: StartOptions = {},
): Promise<RunningServer> {
  const config = loadConfig(env);
  // Created on first use (the first S3 read, or the preload below): see s3Sdk.
  let client: S3Client | undefined;
  const s3 = () => {
    client ??= createS3Client({
      region: config.region,
      endpoint: config.endpoint,
      connectTimeoutMs: config.s3.connectTimeoutMs,
      attemptTimeoutMs: config.s3.attemptTimeoutMs,
      maxAttempts: config.s3.maxAttempts,
      maxSockets: config.s3.maxSockets,
    });
    return client;
  };
  const store = new S3DocumentStore(s3, {
    bucket: config.bucket,
    keyPrefix: config.keyPrefix,
    maxDocumentBytes: config.maxDocumentBytes,
  });
  let app: FastifyInstance | undefined;
  const documents: DocumentSource =
    config.cache.ttlMs > 0
      ? new CachedDocuments(store, {
          ...config.cache,
          loadTimeoutMs: config.requestTimeoutMs,
          logger: { warn: (details, message) => app?.log.warn(details, message) },
        })
      : new UncachedDocuments(store);
  const readiness = new Readiness(store, {
    cacheMs: config.readyCacheMs,
    timeoutMs: config.requestTimeoutMs,
  });
  app = buildApp(
    { documents, readiness },
    {
      logger: loggerOptions(config.logLevel),
      requestTimeoutMs: config.requestTimeoutMs,
      keepAliveTimeoutMs: config.keepAliveTimeoutMs,
      httpMaxAgeS: config.httpMaxAgeS,
      retryAfterS: config.retryAfterS,
      trustProxyHops: config.trustProxyHops,
      corsOrigins: config.corsOrigins,
      shedEventLoopDelayMs: config.shedEventLoopDelayMs,
    },
  );
  const running = app;
  running.log.info(
    {
      bucket: config.bucket,
      keyPrefix: config.keyPrefix,
      endpoint: config.endpoint ?? "AWS",
      cacheTtlMs: config.cache.ttlMs,
      requestTimeoutMs: config.requestTimeoutMs,
    },
    "starting",
  );
  const address = await running.listen({ host: config.host, port: config.port });
  // Load the S3 client soon after the first answers, not before them: the load balancer sends traffic only after
  // several health checks seconds apart, so the first document request does not pay for it either.
  const preload = setTimeout(s3, S3_PRELOAD_DELAY_MS).unref();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearTimeout(preload);
      await running.close();
      client?.destroy();
      await options.onClose?.();
    })();
    return closing;
  };
  if (options.handleSignals ?? true) {
    // On SIGTERM (ECS stopping the task, after the ALB has drained it): stop accepting, let in-flight requests
    // finish, exit 0; past SHUTDOWN_TIMEOUT_MS (below ECS's stopTimeout, so before SIGKILL) exit 1 anyway.
    closeWithGrace(
      {
        delay: config.shutdownTimeoutMs,
        logger: { error: (message: unknown) => running.log.error(message) },
      },
      async ({ signal, err }) => {
        if (err) running.log.error({ err }, "fatal error; shutting down");
        else running.log.info({ signal }, "shutting down");
        await close();
      },
    );
  }
  return { app: running, url: address, config, close, loadS3Client: () => void s3() };
}

/** The process entry: a bad environment exits 1 with one line naming the variables. */
async function main(): Promise<void> {
  try {
    await startServer(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`Failed to start: ${(error as Error).stack ?? String(error)}\n`);
    }
    process.exit(1);
  }
}

if (require.main === module) void main();
