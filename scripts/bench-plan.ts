/**
 * `npm run bench:plan [-- --rounds 3 --stack test]`: how the offline plan's time grows with the number of services.
 *
 * Runs `npm run plan -- <stack>` as a user does (a fresh process, both stacks evaluated) with 1, 2 and 10
 * services on the cluster: the committed stack (the API alone), the two-services example (API + the web page),
 * and the example plus eight more copies of the page, each on its own host name. The variants run interleaved, round
 * after round, so load on the machine hits them alike; it prints each run, the medians, and the time each added
 * service costs, all from this one run. Nothing is asserted: the figures go to the README by hand.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { exampleConfig, PROJECT_ROOT } from "../lib/harness";

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}
const rounds = Number(flag("--rounds", "3"));
const stack = flag("--stack", "test");

/** The two-services example with `extra` more copies of its page, each on its own host name. */
function servicesConfig(extra: number): Record<string, unknown> {
  const example = exampleConfig("two-services");
  const services = JSON.parse(example["ecs-json-api:services"]) as Record<string, Record<string, unknown>>;
  for (let i = 1; i <= extra; i++) {
    services[`web${i}`] = { ...services.web, hosts: [`web${i}.example.com`] };
  }
  return {
    config: {
      "ecs-json-api:apiPaths": JSON.parse(example["ecs-json-api:apiPaths"]),
      "ecs-json-api:services": services,
      // Room for every service's peak (both revisions of a managed deployment at once) in both stacks.
      "ecs-json-api:maxInstances": 20,
    },
  };
}

const dir = mkdtempSync(path.join(tmpdir(), "bench-plan-"));
const variants: { services: number; args: string[] }[] = [{ services: 1, args: [] }];
for (const [services, extra] of [
  [2, 0],
  [10, 8],
] as const) {
  const file = path.join(dir, `${services}-services.yaml`);
  writeFileSync(file, stringify(servicesConfig(extra)));
  variants.push({ services, args: ["--config", file] });
}

const times = new Map<number, number[]>(variants.map((v) => [v.services, []]));
console.log(`npm run plan -- ${stack}, ${rounds} rounds, load average at start ${loadavg()[0].toFixed(1)}`);
try {
  for (let round = 1; round <= rounds; round++) {
    for (const v of variants) {
      const start = process.hrtime.bigint();
      const run = spawnSync(
        process.execPath,
        ["--import", "tsx", path.join("scripts", "plan.ts"), stack, ...v.args],
        { cwd: PROJECT_ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
      );
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (run.status !== 0) {
        console.error(run.stdout.slice(-2000), run.stderr.slice(-2000));
        throw new Error(`the plan with ${v.services} services failed (exit ${run.status})`);
      }
      const count = /: (\d+) resources,/.exec(run.stdout)?.[1];
      times.get(v.services)?.push(seconds);
      console.log(`  round ${round}: ${v.services} service(s), ${count} resources: ${seconds.toFixed(2)} s`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = new Map([...times].map(([n, xs]) => [n, median(xs)]));
console.log("median wall time:");
for (const [n, t] of m) console.log(`  ${String(n).padStart(2)} service(s): ${t.toFixed(2)} s`);
const one = m.get(1) ?? 0;
const ten = m.get(10) ?? 0;
console.log(
  `each service after the first adds ${((ten - one) / 9).toFixed(2)} s (10 services against 1); load average at end ${loadavg()[0].toFixed(1)}`,
);
