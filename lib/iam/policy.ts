/**
 * IAM policy documents as the evaluator reads them: the JSON grammar of the IAM policy language, normalised
 * so that every element that may be a string or a list is a list. Anything the evaluator does not model fails
 * here, loudly, instead of being silently ignored (a policy the model misreads would make a test pass that AWS
 * would fail).
 *
 * Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */
import type * as aws from "@pulumi/aws";

/** A policy as written (`aws.iam.PolicyDocument`, or the result of `JSON.parse` of one). */
export type PolicyInput = aws.iam.PolicyDocument | { Version?: string; Statement: unknown };

/** Who a resource-based or trust policy statement names. "*" is anyone, including anonymous callers. */
export type PrincipalSpec =
  | { kind: "any" }
  | { kind: "AWS" | "Service" | "Federated" | "CanonicalUser"; values: string[] };

/** A condition block: operator (with any ForAnyValue:/ForAllValues: prefix and IfExists suffix) to key to values. */
export type ConditionBlock = Record<string, Record<string, string[]>>;

/** One statement, normalised: every list-or-string element is a list; absent elements are undefined. */
export interface Statement {
  sid?: string;
  effect: "Allow" | "Deny";
  principal?: PrincipalSpec[];
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  condition: ConditionBlock;
}

/** A normalised policy. */
export interface Policy {
  statements: Statement[];
}

const STATEMENT_KEYS = new Set([
  "Sid",
  "Effect",
  "Principal",
  "NotPrincipal",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Condition",
]);

function fail(where: string, message: string): never {
  throw new Error(`IAM policy ${where}: ${message}`);
}

/** A string or a list of strings, as a list. Numbers and booleans become strings, as IAM stores them. */
function list(where: string, value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map((v) => {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return fail(where, `${JSON.stringify(v)} is not a string (an unresolved Output?)`);
  });
}

function principal(where: string, value: unknown): PrincipalSpec[] {
  if (value === "*") return [{ kind: "any" }];
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return fail(where, `Principal ${JSON.stringify(value)} is neither "*" nor an object`);
  }
  return Object.entries(value).map(([kind, v]) => {
    if (kind !== "AWS" && kind !== "Service" && kind !== "Federated" && kind !== "CanonicalUser") {
      return fail(where, `Principal type ${kind} is not one IAM knows`);
    }
    return { kind, values: list(`${where} Principal.${kind}`, v) };
  });
}

/**
 * Normalises a policy document and rejects what the evaluator does not model: NotPrincipal (deprecated for
 * most uses, and easy to misread), policy variables (`${aws:username}`), a statement with both Action and
 * NotAction (or Resource and NotResource), and unknown elements.
 */
export function parsePolicy(doc: PolicyInput): Policy {
  const raw = (doc as { Statement?: unknown }).Statement;
  if (raw === undefined) fail("document", "has no Statement");
  const statements = (Array.isArray(raw) ? raw : [raw]).map((s: unknown, i): Statement => {
    if (s === null || typeof s !== "object") fail(`statement ${i}`, "is not an object");
    const st = s as Record<string, unknown>;
    const where = `statement ${typeof st.Sid === "string" ? st.Sid : i}`;
    for (const key of Object.keys(st)) {
      if (!STATEMENT_KEYS.has(key)) fail(where, `has an element ${key} IAM does not define`);
    }
    if (st.NotPrincipal !== undefined) fail(where, "uses NotPrincipal, which this evaluator does not model");
    if (st.Effect !== "Allow" && st.Effect !== "Deny")
      fail(where, `Effect ${String(st.Effect)} is not Allow or Deny`);
    if ((st.Action === undefined) === (st.NotAction === undefined)) {
      fail(where, "needs exactly one of Action and NotAction");
    }
    if (st.Resource !== undefined && st.NotResource !== undefined) {
      fail(where, "has both Resource and NotResource");
    }
    const condition: ConditionBlock = {};
    if (st.Condition !== undefined) {
      if (st.Condition === null || typeof st.Condition !== "object")
        fail(where, "Condition is not an object");
      for (const [operator, keys] of Object.entries(st.Condition as Record<string, unknown>)) {
        if (keys === null || typeof keys !== "object") fail(where, `Condition ${operator} is not an object`);
        condition[operator] = {};
        for (const [key, values] of Object.entries(keys as Record<string, unknown>)) {
          condition[operator][key] = list(`${where} Condition ${operator} ${key}`, values);
        }
      }
    }
    const parsed: Statement = {
      sid: typeof st.Sid === "string" ? st.Sid : undefined,
      effect: st.Effect,
      principal: st.Principal === undefined ? undefined : principal(where, st.Principal),
      action: st.Action === undefined ? undefined : list(`${where} Action`, st.Action),
      notAction: st.NotAction === undefined ? undefined : list(`${where} NotAction`, st.NotAction),
      resource: st.Resource === undefined ? undefined : list(`${where} Resource`, st.Resource),
      notResource: st.NotResource === undefined ? undefined : list(`${where} NotResource`, st.NotResource),
      condition,
    };
    const text = JSON.stringify([parsed.resource, parsed.notResource, parsed.condition]);
    if (text.includes("${")) fail(where, "uses a policy variable, which this evaluator does not model");
    return parsed;
  });
  return { statements };
}
