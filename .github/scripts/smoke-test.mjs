#!/usr/bin/env node
/**
 * Post-deploy smoke test of every service a stack runs, from the stack's `services` output:
 * `{ "<service>": { "url": "...", "healthCheckPath": "/healthz", "smokeTest": "json-api" | "health" } }`.
 *
 * - json-api: the health path answers 200; `/api/<document-key>` serves the same JSON as the content file
 *   (key order and spacing aside); a key that no content file has answers 404. The last proves on real S3 what
 *   no emulator can: that the task role's prefix-scoped s3:ListBucket lets S3 say NoSuchKey (a missing grant
 *   makes S3 answer AccessDenied, which the service turns into 502).
 * - health: the health path answers 200.
 *
 * It retries while a fresh deployment settles (the ALB registers new targets, ECS replaces old tasks), and stops
 * at its own deadline, which the workflow sets inside the job's timeout: when it fails, it says why for each
 * service, instead of being killed mid-retry by the runner.
 *
 *   SERVICES='<json>' smoke-test.mjs <document-key> <expected-json-file>
 *
 * Environment: SMOKE_DEADLINE_SECONDS (default 420), SMOKE_DELAY_SECONDS (10), SMOKE_TIMEOUT_SECONDS (5).
 * Exit codes: 0 passed, 1 failed, 2 bad arguments.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

/** A valid key (letters, '-', '_') that no content file may take; checked below. */
export const MISSING_KEY = "smoke-test-no-such-document_";
const KINDS = ["json-api", "health"];

/** Sorts object keys recursively, so two documents compare by value. */
function canon(v) {
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canon(v[k])]),
    );
  return v;
}

/** The services to test, or the problems with them. */
export function parseServices(text) {
  let value;
  try {
    value = JSON.parse(text ?? "");
  } catch {
    return { problems: ["SERVICES is not JSON"] };
  }
  if (!value || typeof value !== "object" || Array.isArray(value) || Object.keys(value).length === 0) {
    return { problems: ["SERVICES is not a JSON object naming at least one service"] };
  }
  const problems = [];
  for (const [name, s] of Object.entries(value)) {
    if (!s || typeof s !== "object") {
      problems.push(`${name}: not an object`);
      continue;
    }
    if (typeof s.url !== "string" || !/^https?:\/\/[^\s/]+/.test(s.url)) {
      problems.push(`${name}: url ${JSON.stringify(s.url)} is not an http(s) URL`);
    }
    if (typeof s.healthCheckPath !== "string" || !s.healthCheckPath.startsWith("/")) {
      problems.push(`${name}: healthCheckPath ${JSON.stringify(s.healthCheckPath)} does not start with /`);
    }
    if (!KINDS.includes(s.smokeTest)) {
      problems.push(`${name}: smokeTest ${JSON.stringify(s.smokeTest)} is not one of ${KINDS.join(", ")}`);
    }
  }
  return problems.length > 0 ? { problems } : { services: value };
}

/** One GET with a time limit; resolves `{ status, body }`, status 0 when the connection failed or timed out. */
async function get(url, timeoutMs) {
  try {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
      redirect: "manual",
    });
    return { status: response.status, body: await response.text() };
  } catch {
    return { status: 0, body: "" };
  }
}

/** One attempt at one service: undefined when it passes, else what was wrong. */
async function check(service, document, remainingMs, timeoutMs) {
  const base = service.url.replace(/\/+$/, "");
  const limit = () => Math.min(timeoutMs, remainingMs());
  const health = await get(`${base}${service.healthCheckPath}`, limit());
  if (health.status !== 200) return `${service.healthCheckPath} answered ${health.status || "nothing"}`;
  if (service.smokeTest === "health") return undefined;
  const doc = await get(`${base}/api/${document.key}`, limit());
  if (doc.status !== 200) return `/api/${document.key} answered ${doc.status || "nothing"}`;
  let same = false;
  try {
    same = JSON.stringify(canon(JSON.parse(doc.body))) === document.expected;
  } catch {
    // not JSON: reported below
  }
  if (!same) return `/api/${document.key} is not the same JSON as ${document.file}`;
  const missing = await get(`${base}/api/${MISSING_KEY}`, limit());
  if (missing.status !== 404)
    return `a missing key /api/${MISSING_KEY} answered ${missing.status || "nothing"}, not 404`;
  return undefined;
}

async function main(argv, env) {
  const [key, file] = argv;
  if (argv.length !== 2)
    return usage("usage: SERVICES='<json>' smoke-test.mjs <document-key> <expected-json-file>");
  const { services, problems } = parseServices(env.SERVICES);
  if (problems) return usage(problems.map((p) => `smoke test: ${p}`).join("\n"));
  if (!existsSync(file)) return usage(`smoke test: expected document ${file} does not exist`);
  if (existsSync(path.join(path.dirname(file), `${MISSING_KEY}.json`))) {
    return usage(
      `smoke test: ${path.dirname(file)}/${MISSING_KEY}.json exists; the missing-key check needs that name free`,
    );
  }
  const document = { key, file, expected: JSON.stringify(canon(JSON.parse(readFileSync(file, "utf8")))) };
  const seconds = (name, fallback) => Number(env[name] ?? fallback);
  const deadline = Date.now() + seconds("SMOKE_DEADLINE_SECONDS", 420) * 1000;
  const delayMs = seconds("SMOKE_DELAY_SECONDS", 10) * 1000;
  const timeoutMs = seconds("SMOKE_TIMEOUT_SECONDS", 5) * 1000;
  const remainingMs = () => deadline - Date.now();

  const pending = new Map(Object.entries(services).map(([name]) => [name, "not tried"]));
  for (let attempt = 1; ; attempt++) {
    for (const name of [...pending.keys()]) {
      const problem = await check(services[name], document, remainingMs, timeoutMs);
      if (problem === undefined) {
        pending.delete(name);
        console.log(
          `${name}: passed on attempt ${attempt} (${services[name].smokeTest}, ${services[name].url})`,
        );
      } else {
        console.log(`${name}: attempt ${attempt}: ${problem}`);
        // An attempt the deadline cut short says less than the last complete one: keep that one's reason.
        if (remainingMs() > 0 || pending.get(name) === "not tried") pending.set(name, problem);
      }
    }
    if (pending.size === 0) return 0;
    if (remainingMs() <= 0) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(delayMs, Math.max(0, remainingMs()))));
    if (remainingMs() <= 0) break;
  }
  console.error(`smoke test failed: ${pending.size} service(s) did not pass by the deadline:`);
  for (const [name, problem] of pending) console.error(`  ${name}: ${problem}`);
  return 1;
}

function usage(message) {
  console.error(message);
  return 2;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main(process.argv.slice(2), process.env);
}
