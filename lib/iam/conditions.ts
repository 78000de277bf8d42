/**
 * The Condition element, evaluated against a request context with AWS's documented semantics. Only the
 * operators our documents use are modelled; any other operator throws, so a new one cannot be silently
 * misread. Sources:
 * - Condition operators, including the rule for a key missing from the request ("the values do not match and
 *   the condition is false. If the policy condition requires that the key is not matched, such as StringNotLike
 *   or ArnNotLike, and the right key is not present, the condition is true. This logic applies to all condition
 *   operators except ...IfExists and Null check"):
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * - Several operators in one block, several keys under one operator: all must hold (AND); several values for
 *   one key: any may match (OR); for a negated operator, the key must match none of them:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
 * - ForAllValues (true when every value in the request matches, and when the key is absent or empty) and
 *   ForAnyValue (true when at least one matches; false when the key is absent or empty):
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * Condition key names are case-insensitive; values are compared as each operator says.
 */
import { arnLike, stringLike } from "./match";
import type { ConditionBlock } from "./policy";

/** A value in the request context: single-valued keys hold a string or a boolean, multivalued keys a list. */
export type ContextValue = string | boolean | number | string[];

/** The request context's condition keys (any case) to their values. */
export type RequestContext = Record<string, ContextValue>;

type Matcher = (policyValue: string, requestValue: string) => boolean;

/** Positive operators; each negated operator is "matches none of the policy's values" of its positive form. */
const MATCHERS: Record<string, Matcher> = {
  StringEquals: (p, v) => p === v,
  StringEqualsIgnoreCase: (p, v) => p.toLowerCase() === v.toLowerCase(),
  StringLike: (p, v) => stringLike(p, v),
  ArnEquals: (p, v) => arnLike(p, v),
  ArnLike: (p, v) => arnLike(p, v),
  // Bool compares "true"/"false" without regard to case.
  Bool: (p, v) => p.toLowerCase() === v.toLowerCase(),
};
const NEGATED: Record<string, string> = {
  StringNotEquals: "StringEquals",
  StringNotEqualsIgnoreCase: "StringEqualsIgnoreCase",
  StringNotLike: "StringLike",
  ArnNotEquals: "ArnEquals",
  ArnNotLike: "ArnLike",
};

/** An operator split into its parts: `ForAnyValue:StringNotLikeIfExists` -> set, base, negated, ifExists. */
interface Operator {
  set?: "ForAnyValue" | "ForAllValues";
  base: string;
  negated: boolean;
  ifExists: boolean;
}

function parseOperator(name: string): Operator {
  const [prefix, rest] = name.includes(":") ? name.split(":", 2) : [undefined, name];
  if (prefix !== undefined && prefix !== "ForAnyValue" && prefix !== "ForAllValues") {
    throw new Error(`IAM condition: unknown set operator ${prefix}`);
  }
  const ifExists = rest.endsWith("IfExists");
  const bare = ifExists ? rest.slice(0, -"IfExists".length) : rest;
  if (bare === "Null") {
    if (prefix || ifExists) throw new Error(`IAM condition: ${name} is not a valid operator`);
    return { base: "Null", negated: false, ifExists: false };
  }
  const negated = bare in NEGATED;
  const base = negated ? NEGATED[bare] : bare;
  if (!(base in MATCHERS)) throw new Error(`IAM condition: operator ${name} is not modelled here`);
  return { set: prefix as Operator["set"], base, negated, ifExists };
}

/** The context's value for a key, found without regard to case; undefined when the request lacks it. */
export function contextValue(context: RequestContext, key: string): ContextValue | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** One request value against the policy's values, for a single key. */
function valueMatches(op: Operator, policyValues: string[], requestValue: string): boolean {
  const any = policyValues.some((p) => MATCHERS[op.base](p, requestValue));
  return op.negated ? !any : any;
}

/** One key under one operator. */
export function keyHolds(
  operator: string,
  key: string,
  policyValues: string[],
  context: RequestContext,
): boolean {
  const op = parseOperator(operator);
  const value = contextValue(context, key);
  if (op.base === "Null") {
    // "true": the key must be absent; "false": it must be present.
    const wantAbsent = policyValues.some((p) => p.toLowerCase() === "true");
    return wantAbsent === (value === undefined);
  }
  if (op.set) {
    const values = value === undefined ? [] : Array.isArray(value) ? value : [String(value)];
    if (values.length === 0) {
      if (op.ifExists) return true;
      return op.set === "ForAllValues";
    }
    return op.set === "ForAllValues"
      ? values.every((v) => valueMatches(op, policyValues, v))
      : values.some((v) => valueMatches(op, policyValues, v));
  }
  if (value === undefined) return op.ifExists ? true : op.negated;
  if (Array.isArray(value)) {
    // AWS advises set operators for multivalued keys and leaves the plain form's behaviour undefined for them.
    throw new Error(`IAM condition: ${key} holds several values; use ForAnyValue: or ForAllValues: with it`);
  }
  return valueMatches(op, policyValues, String(value));
}

/** A whole Condition element: every operator, every key under it. */
export function conditionHolds(block: ConditionBlock, context: RequestContext): boolean {
  return Object.entries(block).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => keyHolds(operator, key, values, context)),
  );
}
