import { startServer } from "../src/server";
import { CONTENT_DIR, EMULATOR_CREDENTIALS, startEmulator, uploadContent } from "./emulator";

/**
 * `npm start` at the root: the service against an S3 emulator in this process, seeded with content/, on loopback.
 * Every service variable still applies (PORT, KEY_PREFIX, CACHE_TTL_MS, ...); the bucket and endpoint are the
 * emulator's. Nothing leaves the machine.
 */

const BUCKET = "ecs-json-api-local";

async function main(): Promise<void> {
  // The SDK warns that it will leave Node 20 in 2027; production runs Node 24, and a local run needs no nagging.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const emulator = await startEmulator({
    buckets: [BUCKET],
    port: Number(process.env.S3_EMULATOR_PORT ?? 0),
  });
  const prefix = process.env.KEY_PREFIX ?? "";
  const keys = await uploadContent(emulator.client, BUCKET, prefix, CONTENT_DIR);
  // The service's S3 client takes its credentials from the SDK's chain, as in ECS; here, the emulator's.
  process.env.AWS_ACCESS_KEY_ID = EMULATOR_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = EMULATOR_CREDENTIALS.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(
      {
        ...process.env,
        BUCKET_NAME: BUCKET,
        AWS_ENDPOINT_URL_S3: emulator.endpoint,
        HOST: process.env.HOST ?? "127.0.0.1",
        PORT: process.env.PORT ?? "8080",
      },
      { onClose: () => emulator.close() },
    );
  } catch (error) {
    await emulator.close();
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new Error(`port ${process.env.PORT ?? "8080"} is in use; try: PORT=8081 npm start`);
    }
    throw error;
  }
  const url = server.url.replace("0.0.0.0", "127.0.0.1");
  process.stdout.write(
    [
      "",
      `Service: ${url}`,
      `S3 emulator: ${emulator.endpoint}, bucket ${BUCKET}, ${keys.length} documents from ${CONTENT_DIR}`,
      "Try:",
      ...keys.map((key) => `  curl -i ${url}/api/${key}`),
      `  curl -i ${url}/api/missing      (404)`,
      `  curl -i ${url}/api/..%2Fsecret  (400)`,
      `  curl -i ${url}/readyz`,
      "Ctrl-C stops both.",
      "",
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`Local run failed: ${(error as Error).message}\n`);
  process.exit(1);
});
