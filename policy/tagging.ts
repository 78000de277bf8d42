/**
 * Tagging: every taggable AWS resource carries the project and stack tags.
 *
 * Which types are taggable is read from @pulumi/aws's own input schema, not from a list kept by hand: a type
 * is taggable when its `<Class>Args` interface (in `@pulumi/aws/<module>/<file>.d.ts`) has a `tags` map. So a
 * resource type a component starts using is covered the day it appears. An AWS type whose schema cannot be
 * found is reported rather than skipped (fail closed). The Auto Scaling group is the one taggable type whose
 * `tags` is a list of `{key, value, propagateAtLaunch}`: provider default tags never reach it, so it must carry
 * the tags itself and propagate them to the instances it launches.
 *
 * Effective tags: the components tag through their provider's `defaultTags`, not per resource. In
 * `pulumi preview` the AWS provider merges those into the resource's `tagsAll`; the in-repo runner computes the
 * same `tagsAll` from the explicit provider's `defaultTags` merged with the resource's own `tags`. The rule
 * reads the union of the provider's default tags, `tags` and `tagsAll`, so it holds in both places.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { PolicyProviderResource, ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, controls, ifKnown, parseJson, urnParts } from "./common";

/** How a resource type takes tags. */
export type TagSupport = "map" | "list" | "none" | "unknown";

const supportCache = new Map<string, TagSupport>();

function awsPackageRoot(): string | undefined {
  try {
    return path.dirname(require.resolve("@pulumi/aws/package.json"));
  } catch {
    return undefined;
  }
}

/**
 * How `type` takes tags, from its input schema: `map` for a `tags` map, `list` for a list of tag blocks, `none`
 * for non-AWS types and AWS types without `tags`, `unknown` when the schema cannot be read.
 */
export function tagSupport(type: string): TagSupport {
  const cached = supportCache.get(type);
  if (cached) return cached;
  const support = readTagSupport(type);
  supportCache.set(type, support);
  return support;
}

function readTagSupport(type: string): TagSupport {
  const m = /^aws:([A-Za-z0-9]+)\/([A-Za-z0-9]+):([A-Za-z0-9]+)$/.exec(type);
  if (!m) return "none";
  const [, module, file, className] = m;
  const root = awsPackageRoot();
  if (!root) return "unknown";
  const dts = module === "index" ? path.join(root, `${file}.d.ts`) : path.join(root, module, `${file}.d.ts`);
  if (!existsSync(dts)) return "unknown";
  const text = readFileSync(dts, "utf8");
  const start = text.indexOf(`export interface ${className}Args {`);
  if (start < 0) return "none";
  const body = text.slice(start, text.indexOf("\n}", start));
  if (/\n\s+tags\?: pulumi\.Input<\{/.test(body)) return "map";
  if (/\n\s+tags\?: pulumi\.Input<pulumi\.Input<inputs\.[\w.]+>\[\]/.test(body)) return "list";
  return "none";
}

/** The provider's default tags; the engine hands provider inputs over as JSON strings. */
export function providerDefaultTags(provider: PolicyProviderResource | undefined): Record<string, string> {
  const defaultTags = parseJson(provider?.props?.defaultTags) as
    | { tags?: Record<string, string> }
    | undefined;
  return { ...(defaultTags?.tags ?? {}) };
}

/** The tags a resource ends up with: its provider's default tags, its own `tags`, and `tagsAll`. */
export function effectiveTags(
  props: Record<string, any>,
  provider: PolicyProviderResource | undefined,
): Record<string, string> {
  const tags = ifKnown(() => props.tags);
  const own = tags && typeof tags === "object" && !Array.isArray(tags) ? { ...tags } : {};
  // During preview `tagsAll` can still be unknown; the provider's defaults and `tags` then tell the same story.
  const all = ifKnown(() => ({ ...(props.tagsAll ?? {}) }));
  return { ...providerDefaultTags(provider), ...own, ...(all ?? {}) };
}

/** Tag keys required on every taggable resource unless the pack's config says otherwise. */
export const DEFAULT_REQUIRED_TAGS = ["project", "stack"];

/** What a tag must hold: the `stack` and `project` tags must name the URN's own stack and project. */
function expectedValue(key: string, urn: string): string | undefined {
  const { stack, project } = urnParts(urn);
  if (key === "stack") return stack;
  if (key === "project") return project;
  return undefined;
}

export const requiredTags: ResourceValidationPolicy = {
  name: "required-tags",
  description:
    "Every taggable AWS resource carries the project and stack tags (the stack tag names its own stack); " +
    "Auto Scaling groups carry them with propagateAtLaunch so their instances are tagged too.",
  enforcementLevel: "mandatory",
  severity: "low",
  tags: controls("ECS.13", "ECS.14", "ECS.15"),
  configSchema: {
    properties: {
      requiredTags: {
        type: "array",
        items: { type: "string" },
        default: DEFAULT_REQUIRED_TAGS,
        description: "Tag keys every taggable resource must carry.",
      },
    },
  },
  validateResource: (args, report) => {
    const support = tagSupport(args.type);
    if (support === "none") args.notApplicable(`${args.type} takes no tags`);
    if (support === "unknown") {
      report(`cannot tell whether ${args.type} is taggable: its input schema is not in @pulumi/aws`);
      return;
    }
    const required = args.getConfig<{ requiredTags?: string[] }>().requiredTags ?? DEFAULT_REQUIRED_TAGS;
    if (support === "list") {
      const tags = asArray(args.props.tags as { key: string; value: string; propagateAtLaunch: unknown }[]);
      for (const key of required) {
        const tag = tags.find((t) => t.key === key);
        if (!tag) report(`missing tag "${key}" (an Auto Scaling group gets no provider default tags)`);
        else if (tag.propagateAtLaunch !== true)
          report(`tag "${key}" does not propagate to launched instances`);
        else checkValue(key, tag.value, args.urn, report);
      }
      return;
    }
    const tags = effectiveTags(args.props, args.provider);
    for (const key of required) {
      if (!(key in tags) || tags[key] === "") report(`missing tag "${key}"`);
      else checkValue(key, tags[key], args.urn, report);
    }
  },
};

function checkValue(key: string, value: string, urn: string, report: (m: string) => void): void {
  const expected = expectedValue(key, urn);
  if (expected !== undefined && value !== expected) {
    report(`tag "${key}" is "${value}" but the resource belongs to ${key} "${expected}"`);
  }
}

export const taggingPolicies = [requiredTags];
