/**
 * Limits over several resources: a role's inline policies count together against IAM's 10,240 characters,
 * whether they are written in the role (`inlinePolicies`) or as `aws:iam/rolePolicy` resources naming it.
 */

import { iamQuotas } from "./catalog/docs";
import { nonWhitespaceLength } from "./catalog/policyLanguage";
import type { CheckedResource } from "./check";
import type { ConstraintViolation, Source } from "./model";

/** A resource with the state the mock answered (the role's physical name and id). */
export type AggregatedResource = CheckedResource & { state?: Record<string, unknown> };

export const ROLE_INLINE_LIMIT = 10240;

export const ROLE_INLINE_SOURCE: Source = iamQuotas(
  "But the total aggregate policy size (the sum size of all inline policies) per entity cannot exceed the following limits: ... Role policy size cannot exceed 10,240 characters.",
);

interface RoleGroup {
  /** The role's logical name, or the name a role policy gives when the role is not in the program. */
  role: string;
  /** The resources whose inline policies count (the role itself and its role policies), as `type::name`. */
  contributors: Set<string>;
  size: number;
}

const key = (r: CheckedResource) => `${r.type}::${r.name}`;
const strings = (...values: unknown[]) =>
  values.filter((v): v is string => typeof v === "string" && v !== "");

/** Every role's inline policies, summed. */
function roleGroups(resources: readonly AggregatedResource[]): RoleGroup[] {
  const groups = new Map<string, RoleGroup>();
  const byKey = new Map<string, RoleGroup>();
  for (const r of resources.filter((x) => x.type === "aws:iam/role:Role")) {
    const group: RoleGroup = { role: r.name, contributors: new Set([key(r)]), size: 0 };
    groups.set(`role:${r.name}`, group);
    for (const key of strings(r.inputs.name, r.state?.name, r.state?.id, r.state?.arn)) byKey.set(key, group);
    const inline = Array.isArray(r.inputs.inlinePolicies) ? r.inputs.inlinePolicies : [];
    for (const p of inline as { policy?: unknown }[]) {
      if (typeof p?.policy === "string") group.size += nonWhitespaceLength(p.policy);
    }
  }
  for (const p of resources.filter((x) => x.type === "aws:iam/rolePolicy:RolePolicy")) {
    const role = strings(p.inputs.role)[0];
    if (role === undefined || typeof p.inputs.policy !== "string") continue;
    let group = byKey.get(role);
    if (!group) {
      group = { role, contributors: new Set(), size: 0 };
      byKey.set(role, group);
      groups.set(`name:${role}`, group);
    }
    group.contributors.add(key(p));
    group.size += nonWhitespaceLength(p.inputs.policy);
  }
  return [...groups.values()];
}

function violation(g: RoleGroup): ConstraintViolation {
  return {
    type: "aws:iam/role:Role",
    name: g.role,
    field: `inline policies together (${[...g.contributors].map((c) => c.split("::")[1]).join(", ")})`,
    value: `${g.size} characters`,
    rule: `all inline policies of a role together at most ${ROLE_INLINE_LIMIT.toLocaleString("en-US")} characters, white space not counted`,
    problem: `have ${g.size.toLocaleString("en-US")} characters without white space`,
    source: ROLE_INLINE_SOURCE,
  };
}

/** Violations of the limits over several resources. */
export function aggregateViolations(resources: readonly AggregatedResource[]): ConstraintViolation[] {
  return roleGroups(resources)
    .filter((g) => g.size > ROLE_INLINE_LIMIT)
    .map(violation);
}

/** The violations `resource` takes part in, given the resources registered before it (for the mock cloud). */
export function aggregateViolationsWith(
  earlier: readonly AggregatedResource[],
  resource: AggregatedResource,
): ConstraintViolation[] {
  return roleGroups([...earlier, resource])
    .filter((g) => g.size > ROLE_INLINE_LIMIT && g.contributors.has(key(resource)))
    .map(violation);
}
