/**
 * Rule constructors: character sets, lengths, numeric ranges, allowed values, list sizes, JSON documents and
 * tags. Each takes the source that documents it; a rule without a source cannot be written.
 */
import type { CrossFieldRule, DocumentConstraints, Finding, Rule, RuleContext, Source } from "./model";
import { select } from "./paths";

const one = (value: unknown, problem: string): Finding[] => [{ value, problem }];

/** A string, or the decimal form of a number (Pulumi passes some numeric API fields as strings). */
function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/** The string matches `re` in full. `refuses`: values it must refuse (the tests prove them). */
export function pattern(re: RegExp, text: string, source: Source, refuses: unknown[] = []): Rule {
  const anchored = new RegExp(`^(?:${re.source})$`, re.flags.includes("u") ? "u" : "");
  return {
    text,
    source,
    refuses,
    check: (value) =>
      typeof value !== "string"
        ? one(value, "is not a string")
        : anchored.test(value)
          ? []
          : one(value, `does not match ${text}`),
  };
}

/** Every character of the string is in `allowed` (a regex character class body, e.g. `a-zA-Z0-9 ._-`). */
export function charset(allowed: string, text: string, source: Source, refuses: unknown[] = []): Rule {
  const ok = new RegExp(`^[${allowed}]$`, "u");
  return {
    text,
    source,
    refuses,
    check: (value) => {
      if (typeof value !== "string") return one(value, "is not a string");
      const bad = [...new Set([...value].filter((c) => !ok.test(c)))];
      return bad.length ? one(value, `contains ${bad.map((c) => JSON.stringify(c)).join(", ")}`) : [];
    },
  };
}

/** The string's length (UTF-16 code units, as the AWS SDKs count) is within [min, max]. */
export function length(min: number | undefined, max: number | undefined, source: Source): Rule {
  const text =
    min !== undefined && max !== undefined
      ? `length ${min}-${max}`
      : max !== undefined
        ? `length at most ${max}`
        : `length at least ${min}`;
  return {
    text,
    source,
    refuses: [
      ...(max !== undefined ? ["a".repeat(max + 1)] : []),
      ...(min !== undefined && min > 0 ? ["a".repeat(min - 1)] : []),
    ],
    check: (value) => {
      if (typeof value !== "string") return one(value, "is not a string");
      if (min !== undefined && value.length < min) return one(value, `has ${value.length} characters`);
      if (max !== undefined && value.length > max) return one(value, `has ${value.length} characters`);
      return [];
    },
  };
}

export interface RangeOptions {
  integer?: boolean;
  /** The value must be a multiple of this (within floating-point tolerance). */
  step?: number;
}

/** One past a bound (or, for bounds beyond double precision's integers, a value well past it). */
const pastBound = (bound: number, direction: 1 | -1) =>
  Math.abs(bound) < 2 ** 52 ? bound + direction : bound + direction * Math.abs(bound);

/** A number (or a numeric string) within [min, max]. */
export function range(
  min: number | undefined,
  max: number | undefined,
  source: Source,
  options: RangeOptions = {},
): Rule {
  const bounds =
    min !== undefined && max !== undefined
      ? `from ${min} to ${max}`
      : max !== undefined
        ? `at most ${max}`
        : `at least ${min}`;
  const kind = options.integer ? "an integer" : "a number";
  const step = options.step ? `, a multiple of ${options.step}` : "";
  return {
    text: `${kind} ${bounds}${step}`,
    source,
    refuses: [
      ...(min !== undefined ? [pastBound(min, -1)] : []),
      ...(max !== undefined ? [pastBound(max, 1)] : []),
      ...(options.integer ? [(min ?? 0) + 0.5] : []),
      ...(options.step ? [(min ?? 0) + options.step / 2] : []),
    ],
    check: (value) => {
      const n = asNumber(value);
      if (n === undefined || Number.isNaN(n)) return one(value, "is not a number");
      if (options.integer && !Number.isInteger(n)) return one(value, "is not an integer");
      if (min !== undefined && n < min) return one(value, `is below ${min}`);
      if (max !== undefined && n > max) return one(value, `is above ${max}`);
      if (options.step) {
        const q = n / options.step;
        if (Math.abs(q - Math.round(q)) > 1e-9) return one(value, `is not a multiple of ${options.step}`);
      }
      return [];
    },
  };
}

/** For a list of numbers, the first integer above the smallest that the list leaves out. */
function numericGap(values: readonly (string | number)[]): number[] {
  if (!values.every((v) => typeof v === "number")) return [];
  const set = new Set(values as number[]);
  let n = Math.min(...(values as number[]));
  while (set.has(n)) n++;
  return [n];
}

/** One of the listed values (compared as strings, so `true` matches "true"). */
export function oneOf(values: readonly (string | number)[], source: Source): Rule {
  const allowed = new Set(values.map(String));
  return {
    text: `one of ${values.join(", ")}`,
    source,
    refuses: ["not-an-allowed-value", ...numericGap(values)],
    check: (value) => (allowed.has(String(value)) ? [] : one(value, "is not an allowed value")),
  };
}

/** A list with between min and max elements. */
export function items(min: number | undefined, max: number | undefined, source: Source): Rule {
  const text =
    min !== undefined && max !== undefined
      ? `${min} to ${max} items`
      : max !== undefined
        ? `at most ${max} items`
        : `at least ${min} items`;
  return {
    text,
    source,
    refuses: [
      ...(max !== undefined ? [Array.from({ length: max + 1 }, (_, i) => `item-${i}`)] : []),
      ...(min !== undefined && min > 0 ? [[]] : []),
    ],
    check: (value) => {
      const n = Array.isArray(value)
        ? value.length
        : value !== null && typeof value === "object"
          ? Object.keys(value).length
          : undefined;
      if (n === undefined) return one(value, "is not a list");
      if ((min !== undefined && n < min) || (max !== undefined && n > max))
        return one(value, `has ${n} items`);
      return [];
    },
  };
}

/** The string does not start with any of `prefixes` (case-insensitively when asked). */
export function notPrefixed(
  prefixes: string[],
  source: Source,
  options: { ignoreCase?: boolean } = {},
): Rule {
  const norm = (s: string) => (options.ignoreCase ? s.toLowerCase() : s);
  return {
    text: `does not start with ${prefixes.map((p) => JSON.stringify(p)).join(" or ")}${options.ignoreCase ? " (any case)" : ""}`,
    source,
    refuses: prefixes.map((p) => `${p}x`),
    check: (value) => {
      if (typeof value !== "string") return one(value, "is not a string");
      const hit = prefixes.find((p) => norm(value).startsWith(norm(p)));
      return hit ? one(value, `starts with ${JSON.stringify(hit)}`) : [];
    },
  };
}

/** The string does not end with any of `suffixes`. */
export function notSuffixed(suffixes: string[], source: Source): Rule {
  return {
    text: `does not end with ${suffixes.map((p) => JSON.stringify(p)).join(" or ")}`,
    source,
    refuses: suffixes.map((s) => `x${s}`),
    check: (value) => {
      if (typeof value !== "string") return one(value, "is not a string");
      const hit = suffixes.find((s) => value.endsWith(s));
      return hit ? one(value, `ends with ${JSON.stringify(hit)}`) : [];
    },
  };
}

/** A rule written as a function returning the problem, or nothing. */
export function custom(
  text: string,
  source: Source,
  problem: (value: unknown, ctx: RuleContext) => string | undefined,
  refuses: unknown[] = [],
): Rule {
  return {
    text,
    source,
    refuses,
    check: (value, ctx) => {
      const p = problem(value, ctx);
      return p ? one(value, p) : [];
    },
  };
}

/**
 * A rule over several fields. `problem` returns the problem and the field it is reported on, or nothing.
 * `refuses`: whole inputs (or documents) the rule must refuse; the tests prove each.
 */
export function crossField(
  fields: string[],
  text: string,
  source: Source,
  problem: (
    inputs: Record<string, unknown>,
    ctx: RuleContext,
  ) => { path: string; problem: string } | undefined,
  refuses: unknown[] = [],
): CrossFieldRule {
  return {
    fields,
    text,
    source,
    refuses,
    check: (inputs, ctx) => {
      const p = problem(inputs, ctx);
      if (!p) return [];
      const [selected] = select(inputs, p.path);
      return [{ path: p.path, value: selected?.value, problem: p.problem }];
    },
  };
}

/**
 * A JSON document in a string field: it must parse, and the parsed document is checked against `doc`.
 * `applyDocument` is passed in by the checker (it owns the table walk) to keep this module free of cycles.
 */
export function jsonDocument(doc: DocumentConstraints, source: Source): Rule {
  return {
    text: "valid JSON, checked against its own fields",
    source,
    document: doc,
    refuses: ["{not json"],
    check: (value, ctx) => {
      if (typeof value !== "string") return one(value, "is not a string");
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch (err) {
        return one(value, `is not valid JSON (${(err as Error).message})`);
      }
      return documentChecker(doc, parsed, ctx).map((f) => ({ ...f, path: `(json)${f.path ?? ""}` }));
    },
  };
}

type DocumentChecker = (doc: DocumentConstraints, parsed: unknown, ctx: RuleContext) => Finding[];
let documentChecker: DocumentChecker = () => {
  throw new Error(
    "constraints: the document checker is not installed (import lib/constraints, not rules.ts)",
  );
};

/** Installed by the checker: how a parsed document is walked against its table. */
export function installDocumentChecker(checker: DocumentChecker): void {
  documentChecker = checker;
}
