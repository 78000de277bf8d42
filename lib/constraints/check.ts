/**
 * The constraint check: every input of every resource against the rules of its type (and, for auto-named
 * resources, the name pulumi-aws will generate), returning each violation with the resource, the field, the
 * value, the rule and the rule's source.
 *
 *   checkConstraints(await evaluateStack("prod"));   // [] when AWS would accept every input
 *   checkResource({ type, name, inputs }, { providerTags });   // one resource, as the mock cloud does
 */
import { aggregateViolations } from "./aggregate";
import {
  autoNameProblem,
  generatedName,
  PREFIX_SUFFIX_STAND_IN,
  PREFIXED_UNIQUE_ID,
  prefixInput,
} from "./autoname";
import { CATALOG } from "./catalog/index";
import type {
  ConstraintViolation,
  DocumentConstraints,
  Finding,
  Rule,
  RuleContext,
  Source,
  TypeConstraints,
} from "./model";
import { select } from "./paths";
import { installDocumentChecker } from "./rules";

/** A resource as the check needs it (a harness `RecordedResource` fits). */
export interface CheckedResource {
  type: string;
  name: string;
  /** False for component resources: AWS never sees them, unless the catalog has an entry (a remote component). */
  custom?: boolean;
  inputs: Record<string, unknown>;
}

export interface CheckOptions {
  /** Tags the resource's provider adds (`defaultTags.tags`). */
  providerTags?: Record<string, string>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** The tags of a provider's `defaultTags` input (a JSON string under mocks, an object otherwise). */
export function providerDefaultTags(
  providerInputs: Record<string, unknown> | undefined,
): Record<string, string> {
  let dt: unknown = providerInputs?.defaultTags;
  if (typeof dt === "string") {
    try {
      dt = JSON.parse(dt);
    } catch {
      return {};
    }
  }
  const tags = isObject(dt) ? dt.tags : undefined;
  return isObject(tags) ? (tags as Record<string, string>) : {};
}

/** Applies a field table (a type's or a document's) to a value, returning findings with full paths. */
type Located = Finding & { path: string; rule: { text: string; source: Source } };

function applyTable(
  table: Pick<DocumentConstraints, "fields" | "resource">,
  root: unknown,
  ctx: RuleContext,
): Located[] {
  const out: Located[] = [];
  for (const [fieldPath, rules] of Object.entries(table.fields)) {
    for (const { path, value } of select(root, fieldPath)) {
      for (const rule of rules) {
        for (const f of rule.check(value, ctx)) {
          out.push({
            ...f,
            path: `${path}${f.path ?? ""}`,
            rule: f.rule ?? { text: rule.text, source: rule.source },
          });
        }
      }
    }
  }
  // Cross-field rules read the whole object, or the whole list for a document whose root is one (container
  // definitions).
  if (root !== null && typeof root === "object") {
    for (const cross of table.resource ?? []) {
      for (const f of cross.check(root as Record<string, unknown>, ctx)) {
        out.push({
          ...f,
          path: f.path ?? cross.fields.join(", "),
          rule: f.rule ?? { text: cross.text, source: cross.source },
        });
      }
    }
  }
  return out;
}

installDocumentChecker((doc, parsed, ctx) =>
  applyTable(doc, parsed, ctx).map((f) => ({ ...f, path: f.path.startsWith("[") ? f.path : `.${f.path}` })),
);

function violation(
  resource: CheckedResource,
  field: string,
  value: unknown,
  rule: { text: string; source: Source },
  problem: string,
): ConstraintViolation {
  return {
    type: resource.type,
    name: resource.name,
    field,
    value,
    rule: rule.text,
    problem,
    source: rule.source,
  };
}

/** The constraint entry of a type, if the catalog has one. */
export function constraintsOf(type: string): TypeConstraints | undefined {
  return CATALOG[type];
}

/** Every violation of one resource. Types without an entry are not checked (the coverage test names them). */
export function checkResource(resource: CheckedResource, options: CheckOptions = {}): ConstraintViolation[] {
  // Components are not sent to AWS, except a remote component the catalog has an entry for (awsx's VPC, whose
  // children the mocks never see): its inputs are what its children pass on.
  const entry = CATALOG[resource.type];
  if (!entry) return [];
  const out: ConstraintViolation[] = [];
  const inputs: Record<string, unknown> = { ...resource.inputs };
  let autoNamed: string | undefined;
  let nameNote = "";
  const unset = (v: unknown) => v === undefined || v === null;
  const prefix = entry.autoName ? inputs[prefixInput(entry.autoName.property)] : undefined;
  if (entry.autoName && unset(inputs[entry.autoName.property]) && typeof prefix === "string") {
    // A prefix input turns Pulumi's auto-naming off; Terraform completes the name.
    autoNamed = `${prefix}${PREFIX_SUFFIX_STAND_IN}`;
    nameNote = ` (from ${prefixInput(entry.autoName.property)} "${prefix}" + 26 characters, ${formatSource(PREFIXED_UNIQUE_ID)})`;
    inputs[entry.autoName.property] = autoNamed;
  } else if (entry.autoName && unset(inputs[entry.autoName.property])) {
    const problem = autoNameProblem(entry.autoName, resource.name);
    if (problem) {
      out.push(
        violation(
          resource,
          `${entry.autoName.property} (auto-named)`,
          resource.name,
          {
            text: `logical name + ${entry.autoName.randomLength + 1} characters fit ${entry.autoName.maxLength}`,
            source: entry.autoName.source,
          },
          problem,
        ),
      );
    }
    autoNamed = generatedName(entry.autoName, resource.name, inputs);
    nameNote = ` (auto-named from "${resource.name}")`;
    inputs[entry.autoName.property] = autoNamed;
  }
  const ctx: RuleContext = {
    type: resource.type,
    name: resource.name,
    inputs,
    providerTags: options.providerTags ?? {},
  };
  for (const f of applyTable(entry, inputs, ctx)) {
    const field =
      autoNamed !== undefined && entry.autoName && f.path === entry.autoName.property
        ? `${f.path}${nameNote}`
        : f.path;
    out.push(violation(resource, field, f.value, f.rule, f.problem));
  }
  if (entry.tags) {
    const own = isObject(inputs.tags) ? (inputs.tags as Record<string, string>) : {};
    const merged = { ...ctx.providerTags, ...own };
    if (Object.keys(merged).length > 0) {
      for (const rule of entry.tags) {
        for (const f of rule.check(merged, ctx)) {
          const r = f.rule ?? { text: rule.text, source: rule.source };
          out.push(
            violation(
              resource,
              `tags (with the provider's default tags)${f.path ?? ""}`,
              f.value,
              r,
              f.problem,
            ),
          );
        }
      }
    }
  }
  return out;
}

/** The inputs of the provider resource a recorded resource was registered with, looked up by its URN. */
function providerInputs(
  resources: readonly (CheckedResource & { provider?: string })[],
  resource: CheckedResource & { provider?: string },
): Record<string, unknown> | undefined {
  if (!resource.provider) return undefined;
  const name = resource.provider.split("::").slice(0, -1).pop();
  return resources.find((r) => r.type.startsWith("pulumi:providers:") && r.name === name)?.inputs;
}

/**
 * Every violation of every resource of an evaluation (or of a list of recorded resources), and of the limits over
 * several resources (a role's inline policies together).
 */
export function checkConstraints(evaluation: {
  resources: readonly (CheckedResource & { provider?: string; state?: Record<string, unknown> })[];
}): ConstraintViolation[] {
  const { resources } = evaluation;
  return [
    ...resources.flatMap((r) =>
      checkResource(r, { providerTags: providerDefaultTags(providerInputs(resources, r)) }),
    ),
    ...aggregateViolations(resources),
  ];
}

/** Custom resource types of an evaluation that the catalog has no entry for. */
export function uncheckedTypes(evaluation: { resources: readonly CheckedResource[] }): string[] {
  return [
    ...new Set(evaluation.resources.filter((r) => r.custom !== false && !CATALOG[r.type]).map((r) => r.type)),
  ].sort();
}

/** A source in one line: what it is and where to read it. */
export function formatSource(source: Source): string {
  switch (source.kind) {
    case "botocore":
      return `botocore ${source.ref}${source.url ? ` (${source.url})` : ""}`;
    case "api-reference":
      return `AWS API reference, botocore ${source.ref}${source.url ? ` (${source.url})` : ""}: "${source.quote}"`;
    case "documentation":
      return `${source.title ?? "AWS documentation"} (${source.ref})${source.quote ? `: "${source.quote}"` : ""}`;
    case "provider":
      return `${source.ref}${source.title ? ` ${source.title}` : ""}${source.quote ? `: ${source.quote}` : ""}`;
  }
}

const show = (value: unknown) => {
  const s = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
};

/** One violation per line group: resource, field, value, rule, problem, source. */
export function formatViolation(v: ConstraintViolation): string {
  return (
    `${v.type} "${v.name}": ${v.field} = ${show(v.value)} ${v.problem}; required: ${v.rule}\n` +
    `    source: ${formatSource(v.source)}`
  );
}

/** Every violation, or a one-line all-clear. */
export function formatViolations(violations: readonly ConstraintViolation[]): string {
  if (violations.length === 0) return "AWS constraints: no violations";
  return `AWS constraints: ${violations.length} violation${violations.length === 1 ? "" : "s"}\n${violations
    .map((v) => `  ${formatViolation(v)}`)
    .join("\n")}`;
}

export type { Rule };
