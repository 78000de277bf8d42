#!/usr/bin/env node
/**
 * A release is what a stack runs: `{ "<service>": "<account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:<64
 * hex>" }`, the `release` output of a stack and the `ecs-json-api:release` config of the stack it is promoted
 * to. Everything that carries one between jobs checks it here first: it may come from a workflow_dispatch input
 * (a rollback), and it ends up inside YAML (pulumi/actions' config-map) and shell commands.
 *
 *   RELEASE='<json>' release.mjs check     prints the release canonically (keys sorted, no spaces); exit 2 if bad
 *   RELEASE='<json>' release.mjs refs      prints one image reference per line
 *   RELEASE='<json>' DEPLOYED='<json>' release.mjs same    exit 0 when both name the same images, else 1
 */
import { pathToFileURL } from "node:url";

/** A service name: what a stack's `release` and `services` outputs are keyed by, and part of an image tag. */
export const SERVICE = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** An ECR image pinned by digest; the groups are the registry (account), region, repository and digest. */
export const IMAGE_REF =
  /^(\d{12})\.dkr\.ecr\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?\/((?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)@(sha256:[a-f0-9]{64})$/;

/** The parts of an image reference, or undefined when it is not one. */
export function parseImageRef(ref) {
  const m = IMAGE_REF.exec(ref);
  return m ? { registryId: m[1], region: m[2], repository: m[3], digest: m[4] } : undefined;
}

/**
 * Parses and checks a release. Returns `{ release }` with the services in name order, or `{ problems }` naming
 * every problem: not a JSON object, empty, a bad service name, a reference not pinned by digest, or images in
 * more than one repository (a release comes from one build, in the one shared repository).
 */
export function parseRelease(text) {
  let value;
  try {
    value = JSON.parse(text ?? "");
  } catch {
    return { problems: ["the release is not JSON"] };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { problems: ["the release is not a JSON object of service to image"] };
  }
  const problems = [];
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) problems.push("the release names no service");
  const repositories = new Set();
  for (const [service, ref] of entries) {
    if (!SERVICE.test(service))
      problems.push(`service "${service}" is not a service name (a-z, 0-9, '-', '_')`);
    const image = typeof ref === "string" ? parseImageRef(ref) : undefined;
    if (!image) {
      problems.push(
        `${service}: ${JSON.stringify(ref)} is not an ECR image pinned by digest (<repo>@sha256:<64 hex>)`,
      );
    } else {
      repositories.add(`${image.registryId}/${image.region}/${image.repository}`);
    }
  }
  if (repositories.size > 1) problems.push(`the images come from ${repositories.size} repositories, not one`);
  return problems.length > 0 ? { problems } : { release: Object.fromEntries(entries) };
}

/**
 * The canonical text of a checked release: sorted keys, no whitespace. Checked names and references hold no
 * single quote, backslash or newline, so the text is safe inside a single-quoted YAML or shell string.
 */
export function canonical(release) {
  return JSON.stringify(release);
}

function main(command) {
  const checked = (name) => {
    const { release, problems } = parseRelease(process.env[name]);
    if (problems) {
      for (const p of problems) console.error(`release (${name}): ${p}`);
      process.exit(2);
    }
    return release;
  };
  switch (command) {
    case "check":
      process.stdout.write(`${canonical(checked("RELEASE"))}\n`);
      return;
    case "refs":
      for (const ref of Object.values(checked("RELEASE"))) process.stdout.write(`${ref}\n`);
      return;
    case "same": {
      const want = checked("RELEASE");
      const got = checked("DEPLOYED");
      if (canonical(want) !== canonical(got)) {
        console.error(`release: the stack runs ${canonical(got)}, not ${canonical(want)}`);
        process.exit(1);
      }
      return;
    }
    default:
      console.error("usage: release.mjs check|refs|same (the release in RELEASE, and DEPLOYED for same)");
      process.exit(2);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main(process.argv[2]);
