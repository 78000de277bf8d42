import { startEmulator, uploadContent } from "../dev/emulator";

/** The benchmark's S3: the emulator in its own process, so it does not share an event loop with autocannon. */
async function main() {
  const emulator = await startEmulator({ buckets: ["bench"] });
  const keys = await uploadContent(emulator.client, "bench", "");
  process.stdout.write(`${JSON.stringify({ endpoint: emulator.endpoint, keys })}\n`);
  process.on("SIGTERM", () => void emulator.close().then(() => process.exit(0)));
}
void main();
