/** A stable, comparable form of an evaluation's provider-backed resources: what AWS would be asked to create. */
import type { Evaluation } from "./evaluation";

/** One resource as AWS would see it: type, logical name and inputs. */
export interface SnapshotResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** Replaces the project root in every string, so snapshots compare across checkouts. */
function relativise(value: unknown, root: string): unknown {
  if (typeof value === "string") return value.split(root).join("<root>");
  if (Array.isArray(value)) return value.map((v) => relativise(v, root));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, relativise(v, root)]));
  }
  return value;
}

/** Every custom resource (providers included: their default tags reach every resource), sorted by type and name, with inputs made root-relative. */
export function normalisedResources(evaluation: Evaluation, root: string): SnapshotResource[] {
  return evaluation.resources
    .filter((r) => r.custom)
    .map((r) => ({
      type: r.type,
      name: r.name,
      inputs: relativise(r.inputs, root) as Record<string, unknown>,
    }))
    .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
}
