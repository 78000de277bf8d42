import { createHash } from "node:crypto";
import { addAbortSignal, Readable } from "node:stream";
import type { GetObjectCommandOutput, S3Client } from "@aws-sdk/client-s3";
import { DocumentError } from "./errors";
import { type DocumentStore, type ReadOptions, type ReadResult, toDocument } from "./store";

/** How the S3 client reaches S3 and how long it may take. */
export interface S3ClientOptions {
  /** The bucket's region; the SDK's own resolution (AWS_REGION) applies when undefined. */
  readonly region?: string;
  /** A non-AWS S3 endpoint (the emulator); switches to path-style addressing. */
  readonly endpoint?: string;
  /** Milliseconds to establish a TCP/TLS connection, per attempt. */
  readonly connectTimeoutMs: number;
  /** Milliseconds from sending a request to its response headers, per attempt. */
  readonly attemptTimeoutMs: number;
  /** Attempts per read, the first one included (the SDK retries timeouts, 5xx and throttling). */
  readonly maxAttempts: number;
  /** Concurrent sockets to S3. */
  readonly maxSockets: number;
  /** Fixed credentials (the emulator's). Defaults to the SDK's chain: environment, then the ECS task role. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * The AWS SDK's S3 module, loaded on first call rather than at start: loading it is the largest single cost of a
 * cold start (measured: 80 to 135 ms of 250 ms), and /healthz, the start's first answer, never needs it.
 */
export function s3Sdk(): typeof import("@aws-sdk/client-s3") {
  sdk ??= require("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3");
  return sdk;
}
let sdk: typeof import("@aws-sdk/client-s3") | undefined;

/** An S3 client whose every request is bounded in time, so a slow S3 becomes a 504 rather than a hung request. */
export function createS3Client(options: S3ClientOptions): S3Client {
  const agent = { keepAlive: true, maxSockets: options.maxSockets };
  const custom = options.endpoint !== undefined;
  return new (s3Sdk().S3Client)({
    region: options.region ?? (custom ? "us-east-1" : undefined),
    endpoint: options.endpoint,
    // Emulators and most non-AWS S3s do not resolve virtual-hosted bucket names (bucket.localhost).
    forcePathStyle: custom,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts,
    // Without throwOnRequestTimeout the SDK only logs a warning when requestTimeout passes and keeps waiting.
    requestHandler: {
      connectionTimeout: options.connectTimeoutMs,
      requestTimeout: options.attemptTimeoutMs,
      throwOnRequestTimeout: true,
      httpAgent: agent,
      httpsAgent: agent,
    },
    // Non-AWS S3s (s3rver among them) do not implement the newer flexible checksums; AWS keeps the default.
    ...(custom
      ? { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" }
      : {}),
  });
}

/** The store's settings. */
export interface S3StoreOptions {
  /** The bucket holding the documents. */
  readonly bucket: string;
  /** Prepended to `key + ".json"`; may be empty. */
  readonly keyPrefix: string;
  /** Objects larger than this are refused (502) from their size, before their body is read. */
  readonly maxDocumentBytes: number;
}

/** S3 error codes that mean our identity or its permissions are wrong. */
const DENIED = new Set([
  "AccessDenied",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "InvalidToken",
  "TokenRefreshRequired",
]);
/** S3 error codes that mean "slow down", whatever status carries them. */
const THROTTLED = new Set(["SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded"]);

/** Error fields the SDK sets; any of them may be missing (a socket error has no HTTP status). */
interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** The HTTP status S3 answered with, or undefined when no answer arrived (network error, timeout). */
export function httpStatusOf(error: unknown): number | undefined {
  return (error as SdkErrorShape | undefined)?.$metadata?.httpStatusCode;
}

/** Maps any error from the SDK to the DocumentError kind a client should see. */
export function classifyS3Error(error: unknown, action: string): DocumentError {
  if (error instanceof DocumentError) return error;
  const shape = (error ?? {}) as SdkErrorShape;
  const name = shape.name ?? "Error";
  const status = httpStatusOf(error);
  const detail = `${action}: ${name}${status ? ` (HTTP ${status})` : ""}: ${shape.message ?? String(error)}`;
  const cause = { cause: error };
  if (name === "TimeoutError" || name === "AbortError") return new DocumentError("timeout", detail, cause);
  // No credentials at all (no task role, no environment): a deployment fault for a human, like AccessDenied.
  if (name === "CredentialsProviderError") return new DocumentError("denied", detail, cause);
  // No HTTP status: the request never got an answer (refused, reset, DNS): S3 is unreachable from here.
  if (status === undefined) return new DocumentError("unavailable", detail, cause);
  if (THROTTLED.has(name) || status === 429 || status >= 500)
    return new DocumentError("unavailable", detail, cause);
  if (DENIED.has(name) || status === 401 || status === 403) return new DocumentError("denied", detail, cause);
  return new DocumentError("upstream", detail, cause);
}

/** Reads documents from one bucket under one prefix. */
export class S3DocumentStore implements DocumentStore {
  readonly #client: () => S3Client;
  readonly #options: S3StoreOptions;

  /** `client` may be a function that creates it on the first read (server.ts loads the SDK that late). */
  constructor(client: S3Client | (() => S3Client), options: S3StoreOptions) {
    this.#client = typeof client === "function" ? client : () => client;
    this.#options = options;
  }

  /** The object key for a document key: the only place a key meets the bucket, so it cannot escape the prefix. */
  objectKey(key: string): string {
    return `${this.#options.keyPrefix}${key}.json`;
  }

  async read(key: string, options: ReadOptions = {}): Promise<ReadResult> {
    const objectKey = this.objectKey(key);
    const action = `GetObject s3://${this.#options.bucket}/${objectKey}`;
    let output: GetObjectCommandOutput;
    try {
      output = await this.#client().send(
        new (s3Sdk().GetObjectCommand)({
          Bucket: this.#options.bucket,
          Key: objectKey,
          IfNoneMatch: options.ifNoneMatch,
        }),
        { abortSignal: options.signal },
      );
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === 304) return { kind: "not-modified" };
      // NoSuchBucket is a 404 too, but a deployment error, not a missing document.
      if (status === 404 && (error as SdkErrorShape).name === "NoSuchKey") return { kind: "missing" };
      throw classifyS3Error(error, action);
    }

    const body = output.Body;
    if (!(body instanceof Readable))
      throw new DocumentError("upstream", `${action}: the response has no body stream`);
    const max = this.#options.maxDocumentBytes;
    if (output.ContentLength !== undefined && output.ContentLength > max) {
      body.destroy();
      throw new DocumentError(
        "too-large",
        `${action}: ${output.ContentLength} bytes is over the ${max} byte limit`,
      );
    }
    const bytes = await readAtMost(body, max, options.signal, action);
    const etag = output.ETag ?? `"${createHash("md5").update(bytes).digest("hex")}"`;
    return { kind: "found", document: toDocument(bytes, etag, output.LastModified?.toUTCString(), action) };
  }

  async probe(signal?: AbortSignal): Promise<void> {
    // A key starting with "." can never be a document key, so this probe never reads a real document. A GET, not
    // a HEAD: only a GET's error body tells a missing key (S3 answers, we are ready) from a missing bucket.
    const objectKey = `${this.#options.keyPrefix}.readyz`;
    try {
      const output = await this.#client().send(
        new (s3Sdk().GetObjectCommand)({ Bucket: this.#options.bucket, Key: objectKey }),
        {
          abortSignal: signal,
        },
      );
      (output.Body as Readable | undefined)?.destroy?.();
    } catch (error) {
      if (httpStatusOf(error) === 404 && (error as SdkErrorShape).name === "NoSuchKey") return;
      throw classifyS3Error(error, `GetObject s3://${this.#options.bucket}/${objectKey}`);
    }
  }
}

/** Buffers a stream, refusing it once it passes `max` bytes (when S3 sent no Content-Length, or lied). */
async function readAtMost(stream: Readable, max: number, signal: AbortSignal | undefined, action: string) {
  if (signal) addAbortSignal(signal, stream);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > max) {
        stream.destroy();
        throw new DocumentError("too-large", `${action}: the body passed the ${max} byte limit`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    throw classifyS3Error(error, `${action} (reading the body)`);
  }
  return Buffer.concat(chunks, size);
}
