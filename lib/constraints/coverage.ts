/**
 * Coverage of the catalog: which input fields of a resource no rule covers and no entry declares
 * unconstrained. A field is covered by a rule on its own path, by a rule that checks a whole object or map above
 * it (tags, log options), by a JSON document rule whose own table covers the document's fields, or by an
 * `unconstrained` entry on its path (or a `prefix.*` entry above it).
 */
import { CATALOG } from "./catalog/index";
import type { DocumentConstraints, TypeConstraints } from "./model";
import { leafPaths, select } from "./paths";

/** A field path (normalized, `a[].b`) that is neither ruled nor declared unconstrained. */
export interface UncoveredField {
  type: string;
  field: string;
}

function declared(
  table: Pick<DocumentConstraints, "fields" | "unconstrained">,
  path: string,
): "rule" | "whole" | "free" | undefined {
  if (table.fields[path]?.length) return "rule";
  if (table.unconstrained?.[path] !== undefined) return "free";
  return undefined;
}

/** Paths under `root` that `table` neither rules nor declares free, each prefixed with `prefix`. */
function uncoveredIn(
  table: Pick<DocumentConstraints, "fields" | "unconstrained">,
  root: unknown,
  prefix: string,
): string[] {
  const isWhole = (path: string) =>
    (table.fields[path] ?? []).some((r) => r.whole) ||
    Object.keys(table.unconstrained ?? {}).some(
      (k) => k.endsWith(".*") && (path === k.slice(0, -2) || path.startsWith(`${k.slice(0, -1)}`)),
    );
  const out: string[] = [];
  for (const path of leafPaths(root, isWhole)) {
    if (isWhole(path)) continue;
    const documentRule = (table.fields[path] ?? []).find((r) => r.document);
    if (documentRule?.document) {
      for (const { value } of select(root, path)) {
        let parsed: unknown;
        try {
          parsed = typeof value === "string" ? JSON.parse(value) : undefined;
        } catch {
          continue;
        }
        out.push(...uncoveredIn(documentRule.document, parsed, `${prefix}${path}(json)`));
      }
      continue;
    }
    if (declared(table, path) === undefined) out.push(`${prefix}${path}`);
  }
  return out;
}

/** The fields of `inputs` that `entry` does not cover. */
export function uncoveredFields(
  type: string,
  inputs: Record<string, unknown>,
  entry: TypeConstraints | undefined = CATALOG[type],
): UncoveredField[] {
  if (!entry) return [{ type, field: "(no constraint entry for the type)" }];
  // A taggable type's `tags` are checked as a whole, merged with the provider's default tags.
  const table: Pick<DocumentConstraints, "fields" | "unconstrained"> = entry.tags
    ? {
        fields: { ...entry.fields, tags: [...(entry.fields.tags ?? []), ...entry.tags] },
        unconstrained: entry.unconstrained,
      }
    : entry;
  return [...new Set(uncoveredIn(table, inputs, ""))].map((field) => ({ type, field }));
}
