/**
 * Helpers every policy family shares: reading props the way the engine hands them over (JSON strings, string
 * booleans, unknowns behind a proxy), relating resources in a stack policy, and naming the public controls a
 * policy implements. Nothing here reaches outside `policy/`, so the pack stays publishable on its own.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import * as policySdk from "@pulumi/policy";
import type { Resource } from "@pulumi/pulumi";

/** A resource class, as `isType` takes it. */
export type ResourceClass = { new (...rest: any[]): Resource };

/**
 * Tags naming the public controls a policy implements, e.g. `controls("ELB.4", "CKV_AWS_131")`. Security Hub
 * control ids (`ELB.4`) and checkov ids (`CKV_AWS_131`) are told apart by their shape.
 */
export function controls(...ids: string[]): string[] {
  return ids.map((id) => (/^CKV2?_/.test(id) ? `checkov:${id}` : `securityhub:${id}`));
}

const UnknownValueError = (policySdk as unknown as { UnknownValueError: new (...a: unknown[]) => Error })
  .UnknownValueError;

/**
 * `read()`, or undefined when it touches a value that is unknown until the update (during `pulumi preview` the
 * engine's proxy throws on those). For reads that have a fallback; anything else should let the engine report
 * that the policy cannot run during preview.
 */
export function ifKnown<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (err) {
    if (err instanceof UnknownValueError) return undefined;
    throw err;
  }
}

/** `value` as an array: `undefined` is empty, a scalar is a one-element array. */
export function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...value] : [value];
}

/** True for `true` and `"true"`: launch template flags are strings in the AWS schema, booleans elsewhere. */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

/** Parses a JSON document that the engine may hand over as a string or already as an object. */
export function parseJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** The stack and project a URN belongs to: `urn:pulumi:<stack>::<project>::<type chain>::<name>`. */
export function urnParts(urn: string): { stack: string; project: string } {
  const [head, project = ""] = urn.split("::");
  return { stack: head.replace(/^urn:pulumi:/, ""), project };
}

/** Stack names treated as production unless a policy's config says otherwise. */
export const DEFAULT_PROD_STACKS = ["prod"];

/** The config schema of a policy held to production stacks only: `prodStacks`, read back with isProdUrn. */
export const PROD_STACKS_CONFIG = {
  properties: {
    prodStacks: {
      type: "array" as const,
      items: { type: "string" as const },
      default: DEFAULT_PROD_STACKS,
      description: "Stacks held to production rules.",
    },
  },
};

/** True when the URN's stack is one of `prodStacks`. */
export function isProdUrn(urn: string, prodStacks: string[] = DEFAULT_PROD_STACKS): boolean {
  return prodStacks.includes(urnParts(urn).stack);
}

/**
 * A resource validation applying to several classes of the same resource (`aws.lb.LoadBalancer` and its alias
 * `aws.alb.LoadBalancer` have different type tokens). Like `validateResourceOfType`, it calls `notApplicable`
 * for every other type.
 */
export function validateResourceOfTypes<TProps>(
  classes: ResourceClass[],
  validate: (props: TProps, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
  const types = classes.map((c) => (c as unknown as { __pulumiType: string }).__pulumiType);
  return (args, report) => {
    if (!classes.some((c) => args.isType(c)))
      args.notApplicable(`Policy only applies to ${types.join(", ")}`);
    validate(args.props as TProps, args, report);
  };
}

/** Every resource in the stack of any of the given classes. */
export function resourcesOf(args: StackValidationArgs, ...classes: ResourceClass[]): PolicyResource[] {
  return args.resources.filter((r) => classes.some((c) => r.isType(c)));
}

/** The identifiers other resources use to refer to `target`: its id, ARN and a few type-specific names. */
function identifiers(target: PolicyResource): string[] {
  const props = target.props;
  const keys = ["id", "arn", "bucket", "name", "repositoryUrl"];
  return keys.map((k) => props[k]).filter((v): v is string => typeof v === "string" && v.length > 0);
}

/** Every string inside a value, however deeply nested. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

/**
 * True when `resource`'s `property` refers to `target`. The engine records which resources each property
 * depends on (`propertyDependencies`), which also works during preview, when the ids themselves are still
 * unknown; only when no dependency is recorded are the values compared.
 */
export function refersTo(resource: PolicyResource, property: string, target: PolicyResource): boolean {
  const deps = resource.propertyDependencies[property];
  if (deps && deps.length > 0) return deps.includes(target);
  const ids = identifiers(target);
  // Substring matches (an ARN inside a policy document) only for identifiers long enough not to collide.
  return stringsIn(resource.props[property]).some((s) =>
    ids.some((id) => s === id || (id.length >= 8 && s.includes(id))),
  );
}

/** The resources among `candidates` that `resource`'s `property` refers to. */
export function referenced(
  resource: PolicyResource,
  property: string,
  candidates: PolicyResource[],
): PolicyResource[] {
  return candidates.filter((c) => refersTo(resource, property, c));
}

/** A statement of an IAM or resource policy document, normalised to arrays. */
export interface Statement {
  sid?: string;
  effect: string;
  actions: string[];
  notActions: string[];
  resources: string[];
  principal: unknown;
  condition: Record<string, Record<string, unknown>>;
}

/** The statements of a policy document given as a JSON string or an object; undefined when unreadable. */
export function statementsOf(document: unknown): Statement[] | undefined {
  const doc = parseJson(document) as { Statement?: unknown } | undefined;
  if (!doc || typeof doc !== "object") return undefined;
  return asArray(doc.Statement as Record<string, any> | Record<string, any>[]).map((s) => ({
    sid: s.Sid,
    effect: s.Effect,
    actions: asArray<string>(s.Action),
    notActions: asArray<string>(s.NotAction),
    resources: asArray<string>(s.Resource),
    principal: s.Principal,
    condition: s.Condition ?? {},
  }));
}

/** The CIDRs that mean "anywhere". */
export const ANYWHERE = ["0.0.0.0/0", "::/0"];

/** The inclusive port range a rule opens; all ports for protocol `-1`/`all`. */
export function portRange(protocol: unknown, from: unknown, to: unknown): [number, number] {
  const p = String(protocol ?? "").toLowerCase();
  if (p === "-1" || p === "all") return [0, 65535];
  const lo = typeof from === "number" ? from : Number(from ?? 0);
  const hi = typeof to === "number" ? to : Number(to ?? lo);
  return [lo, hi];
}
