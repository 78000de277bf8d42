import Fastify from "fastify";

/** The benchmark's ceiling: a bare Fastify route returning a constant JSON document (no logger, no plugins). */
const app = Fastify();
app.get("/bare", async () => ({ greeting: "I am the Foo" }));
app
  .listen({ host: "127.0.0.1", port: 0 })
  .then((url) => process.stdout.write(`${JSON.stringify({ url })}\n`));
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
