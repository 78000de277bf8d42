/**
 * The constraint check as a section of the offline plan (`npm run plan -- <stack>`): what was checked, and
 * every violation with its source. The plan exits non-zero when `ok` is false.
 */
import { CATALOG } from "./catalog/index";
import { type CheckedResource, checkConstraints, formatViolations, uncheckedTypes } from "./check";

export function constraintsSection(evaluation: {
  resources: readonly (CheckedResource & { provider?: string })[];
}): {
  text: string;
  ok: boolean;
} {
  const checked = evaluation.resources.filter((r) => CATALOG[r.type]);
  const unchecked = uncheckedTypes(evaluation);
  const violations = checkConstraints(evaluation);
  const lines = [
    "AWS constraints (lib/constraints, docs/constraints.md)",
    `  ${checked.length} resources of ${new Set(checked.map((r) => r.type)).size} types checked`,
    ...(unchecked.length ? [`  no constraint entry (not checked): ${unchecked.join(", ")}`] : []),
    ...formatViolations(violations)
      .split("\n")
      .map((l) => `  ${l}`),
  ];
  return { text: `${lines.join("\n")}\n`, ok: violations.length === 0 && unchecked.length === 0 };
}
