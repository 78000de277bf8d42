import { startServer } from "./server";

/**
 * Run once at image build time (`node dist/warmup.js` with NODE_COMPILE_CACHE set): starts the server on a
 * loopback port without touching S3, then closes it, so V8's compile cache holds every module the server loads.
 * The container then starts from cached code (measured: about a third faster) on its read-only filesystem.
 */
async function main(): Promise<void> {
  const server = await startServer(
    { BUCKET_NAME: "warm-up", AWS_REGION: "us-east-1", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "silent" },
    { handleSignals: false },
  );
  const health = await fetch(`${server.url}/healthz`);
  await server.close();
  if (health.status !== 200) throw new Error(`warm-up: /healthz answered ${health.status}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
