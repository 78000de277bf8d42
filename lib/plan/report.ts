/**
 * The plan as text for a terminal: the resource tree grouped by component, counts per type, what differs from
 * the other stacks, and the policy results. Pure: everything it prints is handed in.
 */
import type { PolicyReport } from "../policy";
import type { PlanResource } from "./architecture";
import type { CostSection } from "./cost";
import type { Difference } from "./diff";

/** The resources as a tree, each under its parent (the component that created it). */
export function resourceTree(resources: PlanResource[]): string[] {
  const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;
  const children = new Map<string, PlanResource[]>();
  const roots: PlanResource[] = [];
  const known = new Set(resources.map(key));
  // Resources registered without a parent belong to the stack, as in `pulumi preview`'s tree.
  const stack = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  for (const r of resources) {
    const parent = r.parent ?? (stack && r !== stack ? stack : undefined);
    if (parent && known.has(key(parent))) {
      const list = children.get(key(parent)) ?? [];
      list.push(r);
      children.set(key(parent), list);
    } else roots.push(r);
  }
  const lines: string[] = [];
  const walk = (r: PlanResource, prefix: string, last: boolean, root: boolean) => {
    lines.push(`${root ? "" : `${prefix}${last ? "└─ " : "├─ "}`}${r.name} (${r.type})`);
    const kids = children.get(key(r)) ?? [];
    const next = root ? "" : `${prefix}${last ? "   " : "│  "}`;
    for (const [i, k] of kids.entries()) walk(k, next, i === kids.length - 1, false);
  };
  for (const r of roots) walk(r, "", true, true);
  return lines;
}

/** Resource counts per type, aligned. */
export function countLines(resources: PlanResource[]): string[] {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]) => `${String(n).padStart(4)}  ${type}`);
}

const shorten = (v: string | undefined, width = 48) =>
  v === undefined ? "(absent)" : v.length > width ? `${v.slice(0, width - 1)}…` : v;

/** Differences as aligned `what  stack=value ...` lines. */
export function differenceLines(differences: Difference[], stacks: string[]): string[] {
  if (differences.length === 0) return ["  (none)"];
  const width = Math.min(70, Math.max(...differences.map((d) => d.what.length)));
  return differences.map(
    (d) => `  ${d.what.padEnd(width)}  ${stacks.map((s) => `${s}: ${shorten(d.values[s])}`).join("   ")}`,
  );
}

/** The policy results: every violation, or that all policies passed, plus the documented exceptions. */
export function policyLines(report: PolicyReport, policyCount: number, exceptions: string[]): string[] {
  const lines: string[] = [];
  if (report.violations.length === 0) {
    lines.push(
      `  all ${policyCount} policies pass (${Object.keys(report.evaluated).length} of them applied here)`,
    );
  } else {
    lines.push(`  ${report.violations.length} violation(s):`);
    for (const v of report.violations) {
      const where = v.resource ? `${v.resource.name} (${v.resource.type})` : "the stack";
      lines.push(`  ✗ [${v.enforcementLevel}] ${v.policy} on ${where}: ${v.message}`);
    }
  }
  lines.push("  documented exceptions (policy/exceptions.ts):", ...exceptions.map((e) => `    - ${e}`));
  return lines;
}

export interface PlanText {
  stack: string;
  region?: string;
  resources: PlanResource[];
  otherStacks: string[];
  config: Difference[];
  onlyIn: Record<string, string[]>;
  settings: Difference[];
  policy: PolicyReport;
  policyCount: number;
  exceptions: string[];
  diagramPath: string;
  /** The cost estimate's sections, after the differences. */
  cost?: CostSection[];
}

/** The whole plan as text. */
export function renderPlan(p: PlanText): string {
  const stacks = [p.stack, ...p.otherStacks];
  const section = (title: string, lines: string[]) => ["", `== ${title}`, ...lines];
  const only = Object.entries(p.onlyIn).flatMap(([s, keys]) => keys.map((k) => `  only in ${s}: ${k}`));
  return [
    `Plan for stack ${p.stack}${p.region ? ` (${p.region})` : ""}: ${p.resources.length} resources, evaluated offline under mocks`,
    ...section("Resources by component", resourceTree(p.resources)),
    ...section("Resources per type", countLines(p.resources)),
    ...section(`Config that differs (${stacks.join(" vs ")})`, differenceLines(p.config, stacks)),
    ...section(
      `Resources and settings that differ (${stacks.join(" vs ")})`,
      only.length + p.settings.length === 0
        ? ["  (none)"]
        : [...only, ...differenceLines(p.settings, stacks)],
    ),
    ...(p.cost ?? []).flatMap((c) => section(c.title, c.lines)),
    ...section("Policy pack", policyLines(p.policy, p.policyCount, p.exceptions)),
    "",
    `Diagram written to ${p.diagramPath}`,
    "",
  ].join("\n");
}
