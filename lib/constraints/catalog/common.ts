/**
 * Rules several families share: tags, EC2's description character set, regions, and the reasons used for
 * fields AWS documents no constraint for. (IAM policy documents: policyLanguage.ts.)
 */
import { apiReference, botocore, generatedModels } from "../botocore";
import type { Rule, Source } from "../model";
import { charset, custom, length } from "../rules";

/** Reasons for fields with no AWS constraint, written once. */
export const NO_CONSTRAINT = {
  boolean: "a boolean: AWS accepts either value",
  reference:
    "an id, name or ARN another resource of the program outputs; AWS checks that the resource exists, which no static rule can",
  providerOnly: "a Pulumi/Terraform provider setting, never sent to AWS",
  pulumiAsset: "a Pulumi asset (a local file the provider uploads), not an API value",
  prefix:
    "checked through the name the provider completes from it: the prefix and 26 characters (terraform-plugin-sdk id.PrefixedUniqueId)",
} as const;

// The restrictions every service's tags share, as the ECS API reference states them (the same text AWS's
// tagging guide gives).
const TAGS_DOC = "CreateServiceRequest.tags";
const tagCount = apiReference("ecs", TAGS_DOC, "Maximum number of tags per resource - 50");
const tagKeyLength = apiReference("ecs", TAGS_DOC, "Maximum key length - 128 Unicode characters in UTF-8");
const tagValueLength = apiReference(
  "ecs",
  TAGS_DOC,
  "Maximum value length - 256 Unicode characters in UTF-8",
);
const tagAwsPrefix = apiReference(
  "ecs",
  TAGS_DOC,
  "Do not use aws:, AWS:, or any upper or lowercase combination of such as a prefix for either keys or values as it is reserved for Amazon Web Services use.",
);

const isMap = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** A rule over a tag map: each key and value against `check`, the finding's path naming the key. */
function overTags(
  text: string,
  source: Source,
  check: (key: string, value: string) => string | undefined,
  refuses: Record<string, string>[],
): Rule {
  return {
    text,
    source,
    refuses,
    whole: true,
    check: (value) => {
      if (!isMap(value)) return [{ value, problem: "is not a map" }];
      return Object.entries(value).flatMap(([k, v]) => {
        const p = check(k, String(v));
        return p ? [{ path: `.${k}`, value: v, problem: p }] : [];
      });
    },
  };
}

export interface TagOptions {
  /** The service's own rule for each tag key (a botocore member's traits), when its model has one. */
  key?: Rule;
  /** The service's own rule for each tag value. */
  value?: Rule;
  /** EC2's own limits (127-character keys) instead of the shared ones. */
  ec2?: boolean;
}

/** The botocore traits of a service's `Tag` structure (`Key`/`Value` members, or `key`/`value`). */
export function botocoreTag(service: string, key: string, value: string): Pick<TagOptions, "key" | "value"> {
  return { key: botocore(service, key), value: botocore(service, value) };
}

/** A rule that applies `inner` to every key (or value) of the tag map. */
function eachTag(inner: Rule, what: "key" | "value"): Rule {
  return {
    get text() {
      return `${what}: ${inner.text}`;
    },
    get refuses() {
      return (inner.refuses ?? [])
        .filter((v) => typeof v === "string")
        .map((v) => (what === "key" ? { [v as string]: "v" } : { k: v as string }));
    },
    source: inner.source,
    whole: true,
    check: (value, ctx) => {
      if (!isMap(value)) return [{ value, problem: "is not a map" }];
      return Object.entries(value).flatMap(([k, v]) =>
        inner
          .check(what === "key" ? k : v, ctx)
          .map((f) => ({ ...f, path: `.${k}${what === "key" ? " (key)" : ""}` })),
      );
    },
  };
}

/** The rules for a resource's tags (its own merged with the provider's default tags). */
export function tagRules(options: TagOptions = {}): Rule[] {
  const rules: Rule[] = [
    {
      text: "at most 50 tags (not counting aws: ones)",
      source: tagCount,
      refuses: [Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`tag${i}`, "v"]))],
      whole: true,
      check: (value) => {
        if (!isMap(value)) return [{ value, problem: "is not a map" }];
        const n = Object.keys(value).filter((k) => !k.toLowerCase().startsWith("aws:")).length;
        return n > 50 ? [{ value: `${n} tags`, problem: `has ${n} tags` }] : [];
      },
    },
    overTags(
      "neither key nor value starts with aws: (any case)",
      tagAwsPrefix,
      (k, v) =>
        k.toLowerCase().startsWith("aws:") || v.toLowerCase().startsWith("aws:")
          ? "uses the reserved aws: prefix"
          : undefined,
      [{ "aws:owner": "team" }, { owner: "AWS:team" }],
    ),
  ];
  if (options.ec2) {
    const keySource = apiReference(
      "ec2",
      "Tag.Key",
      "Tag keys are case-sensitive and accept a maximum of 127 Unicode characters. May not begin with aws:.",
    );
    const valueSource = apiReference(
      "ec2",
      "Tag.Value",
      "Tag values are case-sensitive and accept a maximum of 256 Unicode characters.",
    );
    rules.push(
      overTags(
        "key of 1 to 127 characters",
        keySource,
        (k) => (k.length < 1 || k.length > 127 ? `key "${k}" has ${k.length} characters` : undefined),
        [{ ["k".repeat(128)]: "v" }, { "": "v" }],
      ),
      overTags(
        "value of at most 256 characters",
        valueSource,
        (_k, v) => (v.length > 256 ? `has ${v.length} characters` : undefined),
        [{ k: "v".repeat(257) }],
      ),
    );
  } else {
    rules.push(
      overTags(
        "key of 1 to 128 characters",
        tagKeyLength,
        (k) => (k.length < 1 || k.length > 128 ? `key "${k}" has ${k.length} characters` : undefined),
        [{ ["k".repeat(129)]: "v" }, { "": "v" }],
      ),
      overTags(
        "value of at most 256 characters",
        tagValueLength,
        (_k, v) => (v.length > 256 ? `has ${v.length} characters` : undefined),
        [{ k: "v".repeat(257) }],
      ),
    );
  }
  if (options.key) rules.push(eachTag(options.key, "key"));
  if (options.value) rules.push(eachTag(options.value, "value"));
  return rules;
}

/** EC2's character set for security group names and descriptions and rule descriptions. */
const EC2_TEXT = "a-zA-Z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*";

/** A security group or rule description: EC2's character set and at most 255 characters. */
export function ec2Description(member: string, quote: string, allowed = EC2_TEXT): Rule[] {
  const source = apiReference("ec2", member, quote);
  return [
    charset(allowed, `only a-z, A-Z, 0-9, spaces and ${allowed.replace(/a-zA-Z0-9 |\\/g, "")}`, source, [
      "allow the ALB's traffic",
      "port 80 → 8080",
      'the "app" port',
      "10% of traffic",
    ]),
    length(undefined, 255, source),
  ];
}

/** Regions of the `aws` partition, from botocore's endpoints.json (via the generated file). */
export function regionRule(): Rule {
  return custom(
    "a region of the aws partition",
    { kind: "botocore", ref: "endpoints.json partitions[aws].regions", title: "botocore endpoints.json" },
    (v) =>
      typeof v === "string" && generatedModels().regions.includes(v)
        ? undefined
        : "is not a region of the aws partition",
    ["eu-west-9", "cn-north-1", "Ireland"],
  );
}
