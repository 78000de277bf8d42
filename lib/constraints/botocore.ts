/**
 * Rules taken from AWS's machine-readable API models (botocore's `service-2.json`): a member's `pattern`, `min`,
 * `max` and `enum` traits, and sentences quoted from its documentation (the API reference's text). Rules are
 * declared by reference (`botocore("iam", "CreateRoleRequest.RoleName")`) and resolved against the committed
 * `botocore.generated.json`, which `scripts/constraints/generate.ts` writes from the models; the references the
 * catalog makes are recorded here so the generator (and a test) know exactly which members the file must hold.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Finding, Rule, Source } from "./model";

/** The traits of one shape, as the generator copies them. */
export interface ShapeTraits {
  shape: string;
  type: string;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
}

/** A member of a structure: its target shape's traits, plus the element's (lists) or key's and value's (maps). */
export interface MemberSpec extends ShapeTraits {
  member?: ShapeTraits;
  key?: ShapeTraits;
  value?: ShapeTraits;
}

export interface GeneratedModels {
  generatedBy: string;
  botocoreVersion: string;
  /** API version directory per service, e.g. `iam: 2010-05-08`. */
  services: Record<string, string>;
  /** `service/Shape.member` -> traits. */
  members: Record<string, MemberSpec>;
  /** `service/Shape.member` -> sentences verified to appear in the member's documentation. */
  quotes: Record<string, string[]>;
  /** Region names of the `aws` partition, from botocore's endpoints.json. */
  regions: string[];
}

export const GENERATED_FILE = path.join(__dirname, "botocore.generated.json");

let loaded: GeneratedModels | undefined;
/** The committed generated file. */
export function generatedModels(): GeneratedModels {
  loaded ??= JSON.parse(readFileSync(GENERATED_FILE, "utf8")) as GeneratedModels;
  return loaded;
}

const referencedMembers = new Set<string>();
const referencedQuotes = new Map<string, Set<string>>();

/** Every `service/Shape.member` the catalog's rules reference, and every quote. */
export function references(): { members: string[]; quotes: Record<string, string[]> } {
  return {
    members: [...referencedMembers].sort(),
    quotes: Object.fromEntries(
      [...referencedQuotes.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, [...v].sort()]),
    ),
  };
}

const API_REFERENCE: Record<string, string> = {
  acm: "https://docs.aws.amazon.com/acm/latest/APIReference/API_",
  "application-autoscaling": "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_",
  autoscaling: "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_",
  cloudwatch: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_",
  ec2: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_",
  ecr: "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_",
  ecs: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_",
  elbv2: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_",
  iam: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_",
  kms: "https://docs.aws.amazon.com/kms/latest/APIReference/API_",
  lambda: "https://docs.aws.amazon.com/lambda/latest/api/API_",
  logs: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_",
  route53: "https://docs.aws.amazon.com/Route53/latest/APIReference/API_",
  s3: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_",
  servicediscovery: "https://docs.aws.amazon.com/cloud-map/latest/api/API_",
  sns: "https://docs.aws.amazon.com/sns/latest/api/API_",
  ssm: "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_",
};

/** The API reference page of a structure: an operation's page for its request shape, else the data type's. */
function apiReferenceUrl(service: string, member: string): string | undefined {
  const base = API_REFERENCE[service];
  if (!base) return undefined;
  const shape = member.split(".")[0].replace(/(Request|Input|Type)$/, "");
  return `${base}${shape}.html`;
}

/** Where a botocore member's traits come from. */
export function botocoreSource(service: string, member: string): Source {
  return { kind: "botocore", ref: `${service}/${member}`, url: apiReferenceUrl(service, member) };
}

/**
 * A sentence from the member's documentation in the botocore model (the API reference's own text). The
 * generator verifies that the sentence is there and copies it into the generated file.
 */
export function apiReference(service: string, member: string, quote: string): Source {
  const ref = `${service}/${member}`;
  let quotes = referencedQuotes.get(ref);
  if (!quotes) {
    quotes = new Set();
    referencedQuotes.set(ref, quotes);
  }
  quotes.add(quote);
  return { kind: "api-reference", ref, quote, url: apiReferenceUrl(service, member) };
}

function spec(ref: string): MemberSpec {
  const found = generatedModels().members[ref];
  if (!found) {
    throw new Error(
      `constraints: botocore member ${ref} is not in lib/constraints/botocore.generated.json; ` +
        "run `npm run constraints:generate`",
    );
  }
  return found;
}

/**
 * A botocore pattern as a JavaScript regex. The models use Java's regex dialect; the one construct that differs
 * in the members referenced here is `\p{Print}` (Java's printable ASCII), which JavaScript spells `\x20-\x7E`.
 */
export function compilePattern(javaPattern: string): RegExp {
  const translated = javaPattern.replace(/\\p\{Print\}/g, "[\\x20-\\x7E]");
  return new RegExp(`^(?:${translated})$`, "u");
}

function describe(t: ShapeTraits, what: "value" | "element" | "key"): string[] {
  const parts: string[] = [];
  const noun = what === "value" ? "" : `${what} `;
  if (t.type === "string") {
    if (t.min !== undefined || t.max !== undefined) {
      parts.push(`${noun}length ${t.min ?? 0}-${t.max ?? "∞"}`);
    }
    if (t.pattern) parts.push(`${noun}pattern ${t.pattern}`);
  } else if (t.type === "list" || t.type === "map") {
    if (t.min !== undefined || t.max !== undefined) parts.push(`${t.min ?? 0} to ${t.max ?? "∞"} items`);
  } else if (t.min !== undefined || t.max !== undefined) {
    parts.push(`${noun}from ${t.min ?? "-∞"} to ${t.max ?? "∞"}`);
  }
  if (t.enum) {
    // Long enums (instance types, resource types) are named by size and a few members, not listed.
    parts.push(
      t.enum.length > 12
        ? `${noun}one of the model's ${t.enum.length} values (${t.enum.slice(0, 4).join(", ")}, ...)`
        : `${noun}one of ${t.enum.join(", ")}`,
    );
  }
  return parts;
}

function checkTraits(t: ShapeTraits, value: unknown): string | undefined {
  if (t.enum && !t.enum.includes(String(value))) return "is not an allowed value";
  if (t.type === "string") {
    if (typeof value !== "string") return "is not a string";
    if (t.min !== undefined && value.length < t.min) return `has ${value.length} characters`;
    if (t.max !== undefined && value.length > t.max) return `has ${value.length} characters`;
    if (t.pattern && !compilePattern(t.pattern).test(value)) return "does not match the pattern";
    return undefined;
  }
  if (t.type === "list" || t.type === "map") {
    const n = Array.isArray(value)
      ? value.length
      : value && typeof value === "object"
        ? Object.keys(value).length
        : -1;
    if (n < 0) return "is not a list";
    if ((t.min !== undefined && n < t.min) || (t.max !== undefined && n > t.max)) return `has ${n} items`;
    return undefined;
  }
  if (t.type === "integer" || t.type === "long" || t.type === "double" || t.type === "float") {
    const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
    if (Number.isNaN(n)) return "is not a number";
    if ((t.type === "integer" || t.type === "long") && !Number.isInteger(n)) return "is not an integer";
    if (t.min !== undefined && n < t.min) return `is below ${t.min}`;
    if (t.max !== undefined && n > t.max) return `is above ${t.max}`;
  }
  return undefined;
}

/** Candidates for a value outside a pattern: the first the pattern refuses is used. */
const PATTERN_PROBES = [" ", "'", "\u0000", "ü", "!", "a b", "-", "A", "a".repeat(300)];

/** Values the traits refuse: outside the enum, one past each bound, one the pattern does not match. */
function refusedBy(t: ShapeTraits): unknown[] {
  const out: unknown[] = [];
  if (t.enum) out.push("not-an-allowed-value");
  if (t.type === "string") {
    if (t.max !== undefined) out.push("a".repeat(t.max + 1));
    if (t.min !== undefined && t.min > 0) out.push("a".repeat(t.min - 1));
    if (t.pattern) {
      const re = compilePattern(t.pattern);
      const probe = PATTERN_PROBES.find((p) => !re.test(p));
      if (probe !== undefined) out.push(probe);
    }
  } else if (t.type === "list" || t.type === "map") {
    if (t.max !== undefined) out.push(Array.from({ length: t.max + 1 }, (_, i) => `item-${i}`));
    if (t.min !== undefined && t.min > 0) out.push([]);
  } else if (t.min !== undefined || t.max !== undefined) {
    if (t.min !== undefined) out.push(t.min - 1);
    if (t.max !== undefined) out.push(t.max + 1);
  }
  return out;
}

export type BotocorePart = "value" | "each" | "keys" | "values" | "keyShape" | "valueShape";

/**
 * The traits of a botocore member as a rule. `part` picks what they apply to: the value itself (a string's
 * length and pattern, a number's range, a list's size), each element of a list, each key or each value of a map
 * (`each`, `keys`, `values`), or one string against the map's key or value shape (`keyShape`, `valueShape`).
 */
export function botocore(service: string, member: string, part: BotocorePart = "value"): Rule {
  const ref = `${service}/${member}`;
  referencedMembers.add(ref);
  const traits = (): ShapeTraits | undefined => {
    const s = spec(ref);
    if (part === "value") return s;
    if (part === "each") return s.member;
    return part === "keys" || part === "keyShape" ? s.key : s.value;
  };
  const what = part === "each" ? "element" : part === "keys" || part === "keyShape" ? "key" : "value";
  return {
    get text() {
      const t = traits();
      const parts = t ? describe(t, what) : [];
      return parts.length ? parts.join("; ") : "(no traits)";
    },
    get refuses() {
      const t = traits();
      if (!t) return [];
      const values = refusedBy(t);
      if (part === "each") return values.map((v) => [v]);
      if (part === "keys")
        return values.filter((v) => typeof v === "string").map((v) => ({ [v as string]: "v" }));
      if (part === "values") return values.map((v) => ({ k: v }));
      return values;
    },
    source: botocoreSource(service, member),
    whole: part === "keys" || part === "values" ? true : undefined,
    check(value): Finding[] {
      const t = traits();
      if (!t) return [{ value, problem: `botocore member ${ref} has no ${part} shape` }];
      if (part === "keyShape" || part === "valueShape") {
        const problem = checkTraits(t, value);
        return problem ? [{ value, problem }] : [];
      }
      if (part === "value" || part === "each") {
        const values =
          part === "each" && Array.isArray(value)
            ? value.map((v, i) => [`[${i}]`, v] as const)
            : [["", value] as const];
        return values.flatMap(([suffix, v]) => {
          const problem = checkTraits(t, v);
          return problem ? [{ path: suffix || undefined, value: v, problem }] : [];
        });
      }
      if (value === null || typeof value !== "object") return [{ value, problem: "is not a map" }];
      return Object.entries(value).flatMap(([k, v]) => {
        const subject = part === "keys" ? k : v;
        const problem = checkTraits(t, subject);
        return problem ? [{ path: `.${k}`, value: subject, problem }] : [];
      });
    },
  };
}

/** True when a botocore member declares the trait (for rules that must not be written empty). */
export function hasTraits(rule: Rule): boolean {
  return rule.text !== "(no traits)";
}
