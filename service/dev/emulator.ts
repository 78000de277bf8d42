import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { scanContentFolder } from "../src/contract/contentFolder";
import { createS3Client } from "../src/s3Store";

/**
 * An S3 emulator (s3rver) in this process, on loopback, for the local run, the integration tests and the
 * benchmark. A dev dependency only: nothing under src/ imports this file, so the image never loads s3rver.
 */

/** s3rver's built-in credentials; it checks request signatures against them. */
export const EMULATOR_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/** The content folder shared with the infrastructure's bucket seeding. */
export const CONTENT_DIR = resolve(__dirname, "..", "..", "content");

/** A running emulator. */
export interface Emulator {
  /** Its base URL, e.g. http://127.0.0.1:40123: the service's AWS_ENDPOINT_URL_S3. */
  readonly endpoint: string;
  /** Its port. */
  readonly port: number;
  /** A client for it, for seeding and for tests. */
  readonly client: S3Client;
  /** Stops it and deletes its files. */
  close(): Promise<void>;
}

/** Options of the emulator. */
export interface EmulatorOptions {
  /** Buckets to create. */
  readonly buckets: readonly string[];
  /** The port; 0 picks a free one. Defaults to 0. */
  readonly port?: number;
}

/** Starts s3rver on 127.0.0.1 with its data in a fresh temporary folder. */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const directory = await mkdtemp(join(tmpdir(), "s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: options.port ?? 0,
    silent: true,
    directory,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = createS3Client({
    endpoint,
    connectTimeoutMs: 1000,
    attemptTimeoutMs: 5000,
    maxAttempts: 1,
    maxSockets: 50,
    credentials: EMULATOR_CREDENTIALS,
  });
  let closed = false;
  return {
    endpoint,
    port: address.port,
    client,
    async close() {
      if (closed) return;
      closed = true;
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Puts one object as a JSON document. */
export async function putDocument(client: S3Client, bucket: string, key: string, body: string | Buffer) {
  await client.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "application/json" }),
  );
}

/**
 * Uploads the content folder as `prefix + name + ".json"`, by the same rules the infrastructure seeds the real
 * bucket with (components/contentFolder.ts: valid keys, UTF-8 JSON, size limit, no stray files); returns the
 * document keys. A folder that breaks a rule fails here as it would fail the deployment.
 */
export async function uploadContent(
  client: S3Client,
  bucket: string,
  prefix: string,
  dir: string = CONTENT_DIR,
): Promise<string[]> {
  const { documents, problems } = scanContentFolder(dir, dir);
  if (problems.length > 0) throw new Error(`the content folder has problems: ${problems.join("; ")}`);
  for (const document of documents) {
    await putDocument(client, bucket, `${prefix}${document.key}.json`, await readFile(document.path));
  }
  return documents.map((document) => document.key);
}
