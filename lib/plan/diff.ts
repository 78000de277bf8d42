/**
 * What differs between stacks, computed rather than listed by hand: the effective config (Pulumi.yaml defaults
 * overlaid with each stack file), and the resources themselves, matched across stacks by logical name with the
 * stack's own name taken out (`api-prod-svc-alb` and `api-test-svc-alb` are the same resource). Pure.
 */
import type { PlanResource } from "./architecture";

/** One setting that differs, with its value in each stack (undefined where absent). */
export interface Difference {
  /** `ecs-json-api:maxTasks`, or `aws:ecs/service:Service api-*-svc-service desiredCount`. */
  what: string;
  values: Record<string, string | undefined>;
}

/** Config keys whose values differ between the stacks. */
export function configDifferences(configs: Record<string, Record<string, string>>): Difference[] {
  const stacks = Object.keys(configs);
  const keys = [...new Set(stacks.flatMap((s) => Object.keys(configs[s])))].sort();
  return keys
    .filter((key) => new Set(stacks.map((s) => configs[s][key])).size > 1)
    .map((key) => ({ what: key, values: Object.fromEntries(stacks.map((s) => [s, configs[s][key]])) }));
}

/** A logical name with the stack's own name (a whole dash-separated segment) replaced by `*`. */
export function stackless(name: string, stack: string): string {
  return name
    .split("-")
    .map((part) => (part === stack ? "*" : part))
    .join("-");
}

/** Stack names, physical-name hashes and the mock's hex ids taken out, so only real settings compare. */
function normalise(value: string, stack: string): string {
  return value
    .replace(/[0-9a-f]{7,}/g, "#")
    .split(/([^A-Za-z0-9]+)/)
    .map((part) => (part === stack ? "*" : part))
    .join("");
}

/** Leaf values by path; JSON documents held in strings (container definitions, policies) are opened up. */
function leaves(value: unknown, path: string, out: Map<string, string>): Map<string, string> {
  if (path === "userData" && typeof value === "string" && /^[A-Za-z0-9+/]+=*$/.test(value)) {
    // Launch template user data is base64; compare the script itself.
    return leaves(Buffer.from(value, "base64").toString("utf8"), path, out);
  }
  if (typeof value === "string" && value.includes("\n")) {
    // A script or config file: compare it line by line, `KEY=value` lines by key.
    for (const line of value
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)) {
      const setting = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
      if (setting) out.set(`${path}: ${setting[1]}`, setting[2]);
      else out.set(`${path}: ${line}`, "(line)");
    }
    return out;
  }
  if (typeof value === "string" && /^[[{]/.test(value)) {
    try {
      return leaves(JSON.parse(value), path, out);
    } catch {
      // Not JSON after all: compare it as a string.
    }
  }
  if (Array.isArray(value)) for (const [i, v] of value.entries()) leaves(v, `${path}[${i}]`, out);
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else if (value !== undefined) out.set(path, typeof value === "string" ? value : JSON.stringify(value));
  return out;
}

/** Tags differ by design (the stack tag); user data is a script compared as one blob. */
const IGNORED = /^(tags|tagsAll)(\.|\[|$)/;

/** Resources present in only some stacks, and settings of shared resources that differ. */
export function resourceDifferences(stacks: Record<string, PlanResource[]>): {
  onlyIn: Record<string, string[]>;
  settings: Difference[];
} {
  const names = Object.keys(stacks);
  const keyed = Object.fromEntries(
    names.map((s) => [s, new Map(stacks[s].map((r) => [`${r.type} ${stackless(r.name, s)}`, r]))]),
  );
  const all = [...new Set(names.flatMap((s) => [...keyed[s].keys()]))].sort();
  const onlyIn: Record<string, string[]> = Object.fromEntries(names.map((s) => [s, []]));
  const settings: Difference[] = [];
  for (const key of all) {
    const present = names.filter((s) => keyed[s].has(key));
    if (present.length < names.length) {
      for (const s of present) onlyIn[s].push(key);
      continue;
    }
    const values = Object.fromEntries(
      names.map((s) => [s, leaves((keyed[s].get(key) as PlanResource).inputs, "", new Map())]),
    );
    const paths = [...new Set(names.flatMap((s) => [...values[s].keys()]))]
      .filter((p) => !IGNORED.test(p))
      .sort();
    for (const path of paths) {
      const normalised = names.map((s) => {
        const v = values[s].get(path);
        return v === undefined ? undefined : normalise(v, s);
      });
      if (new Set(normalised).size > 1) {
        settings.push({
          what: `${key} ${path}`,
          values: Object.fromEntries(names.map((s) => [s, values[s].get(path)])),
        });
      }
    }
  }
  return { onlyIn, settings };
}
