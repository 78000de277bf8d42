/**
 * Rules several families share: tags, EC2's description character set, IAM policy documents, and the
 * reasons used for fields AWS documents no constraint for.
 */
import { apiReference, botocore, generatedModels } from "../botocore";
import type { DocumentConstraints, Rule, Source } from "../model";
import { charset, custom, items, jsonDocument, length, oneOf, pattern } from "../rules";
import { iamConditionOperators, iamPolicyElements, iamQuotas } from "./docs";

/** Reasons for fields with no AWS constraint, written once. */
export const NO_CONSTRAINT = {
  boolean: "a boolean: AWS accepts either value",
  reference:
    "an id, name or ARN another resource of the program outputs; AWS checks that the resource exists, which no static rule can",
  providerOnly: "a Pulumi/Terraform provider setting, never sent to AWS",
  pulumiAsset: "a Pulumi asset (a local file the provider uploads), not an API value",
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

/** Characters of a policy, not counting white space, as IAM counts them against its size limits. */
export const nonWhitespaceLength = (s: string) => s.replace(/\s/g, "").length;

/** An IAM policy size limit. */
export function iamPolicySize(max: number, what: string): Rule {
  return custom(
    `at most ${max.toLocaleString("en-US")} characters, white space not counted (${what})`,
    iamQuotas(),
    (v) => {
      if (typeof v !== "string") return "is not a string";
      const n = nonWhitespaceLength(v);
      return n > max ? `has ${n.toLocaleString("en-US")} characters without white space` : undefined;
    },
    [JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "x".repeat(max), Effect: "Allow" }] })],
  );
}

const CONDITION_OPERATORS = [
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
  "NumericEquals",
  "NumericNotEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
  "DateEquals",
  "DateNotEquals",
  "DateLessThan",
  "DateLessThanEquals",
  "DateGreaterThan",
  "DateGreaterThanEquals",
  "Bool",
  "BinaryEquals",
  "IpAddress",
  "NotIpAddress",
  "ArnEquals",
  "ArnLike",
  "ArnNotEquals",
  "ArnNotLike",
  "Null",
];

/** `StringEquals`, `StringNotEqualsIfExists`, `ForAnyValue:StringLike`, ... (never `Null` with a suffix). */
function isConditionOperator(op: string): boolean {
  const bare = op.replace(/^(ForAllValues|ForAnyValue):/, "");
  const base = bare.endsWith("IfExists") ? bare.slice(0, -"IfExists".length) : bare;
  if (base === "Null") return op === "Null";
  return CONDITION_OPERATORS.includes(base);
}

const ARN = /^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+$/;
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** `Action`/`NotAction`: one action or a list, each `*` or `service:action`. */
function actionRule(): Rule {
  return {
    ...custom(
      "`*` or `service:action` (wildcards allowed)",
      iamPolicyElements("Action"),
      (v) => {
        const bad = asList(v).find(
          (a) => typeof a !== "string" || !(a === "*" || /^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(a)),
        );
        return bad === undefined ? undefined : `${JSON.stringify(bad)} is not service:action`;
      },
      ["s3 GetObject", ["s3:GetObject", "GetObject"], 7],
    ),
    whole: true,
  };
}

/** `Resource`/`NotResource`: one ARN or a list, each `*` or an ARN (wildcards allowed in any part). */
function resourceRule(): Rule {
  return {
    ...custom(
      "`*` or an ARN (arn:partition:service:region:account:resource)",
      iamPolicyElements("Resource"),
      (v) => {
        const bad = asList(v).find((r) => typeof r !== "string" || !(r === "*" || ARN.test(r)));
        return bad === undefined ? undefined : `${JSON.stringify(bad)} is not an ARN`;
      },
      ["my-bucket/*", ["arn:aws:s3:::my-bucket", "arn:aws:s3"]],
    ),
    whole: true,
  };
}

/** The IAM policy language, as the IAM JSON policy reference defines its elements. */
export function policyLanguage(kind: "identity" | "trust" | "resource"): DocumentConstraints {
  const principalKeys = ["AWS", "Service", "Federated", "CanonicalUser"];
  const fields: DocumentConstraints["fields"] = {
    Version: [oneOf(["2012-10-17", "2008-10-17"], iamPolicyElements("Version"))],
    Statement: [
      custom(
        "a statement or a list of statements",
        iamPolicyElements("Statement"),
        (v) => (v !== null && typeof v === "object" ? undefined : "is not a statement object or list"),
        ["Allow", 7],
      ),
    ],
    "Statement[].Sid": [
      pattern(
        /[A-Za-z0-9]*/,
        "only A-Z, a-z and 0-9",
        iamPolicyElements(
          "Sid",
          "The Sid element supports ASCII uppercase letters (A-Z), lowercase letters (a-z), and numbers (0-9).",
        ),
        ["Allow-Pull", "read only", "ReadÜ"],
      ),
    ],
    "Statement[].Effect": [
      oneOf(["Allow", "Deny"], iamPolicyElements("Effect", "Valid values for Effect are Allow and Deny.")),
    ],
    "Statement[].Action": [actionRule()],
    "Statement[].NotAction": [actionRule()],
    "Statement[].Resource": [resourceRule()],
    "Statement[].NotResource": [resourceRule()],
    "Statement[].Principal": [
      {
        text: `"*" or an object of ${principalKeys.join(", ")}`,
        source: iamPolicyElements("Principal"),
        refuses: ["ecs-tasks.amazonaws.com", { Services: "ecs-tasks.amazonaws.com" }, ["*"]],
        whole: true,
        check: (v) => {
          if (v === "*") return [];
          if (v === null || typeof v !== "object" || Array.isArray(v))
            return [{ value: v, problem: 'is not "*" or a principal object' }];
          const bad = Object.keys(v).filter((k) => !principalKeys.includes(k));
          return bad.length ? [{ value: v, problem: `has principal type ${bad.join(", ")}` }] : [];
        },
      },
    ],
    "Statement[].Condition": [
      {
        text: "condition operators IAM defines (with IfExists and ForAllValues:/ForAnyValue: where allowed)",
        source: iamConditionOperators(),
        refuses: [
          { StringEqual: { "aws:SourceAccount": "123456789012" } },
          { NullIfExists: { "aws:TokenIssueTime": "true" } },
          "StringEquals",
        ],
        whole: true,
        check: (v) => {
          if (v === null || typeof v !== "object" || Array.isArray(v))
            return [{ value: v, problem: "is not an object" }];
          return Object.keys(v)
            .filter((op) => !isConditionOperator(op))
            .map((op) => ({ path: `.${op}`, value: op, problem: "is not a condition operator" }));
        },
      },
    ],
  };
  const resource: DocumentConstraints["resource"] = [];
  if (kind === "identity") {
    resource.push({
      fields: ["Statement[].Principal"],
      text: "identity policies name no Principal",
      source: iamPolicyElements(
        "Principal",
        "You cannot use the Principal element in an identity-based policy.",
      ),
      check: (doc) =>
        asList(doc.Statement)
          .map((s, i) => [s, i] as const)
          .filter(([s]) => s && typeof s === "object" && "Principal" in s)
          .map(([, i]) => ({
            path: `Statement[${i}].Principal`,
            value: "present",
            problem: "names a Principal",
          })),
      refuses: [
        {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: "*" }],
        },
      ],
    });
  }
  return { fields, resource };
}

/** An IAM policy document field: the API's character set, the language's elements, and a size limit. */
export function policyDocument(
  botocoreMember: [service: string, member: string] | undefined,
  kind: "identity" | "trust" | "resource",
  size?: Rule,
): Rule[] {
  return [
    ...(botocoreMember ? [botocore(...botocoreMember)] : []),
    jsonDocument(policyLanguage(kind), iamPolicyElements("Statement")),
    ...(size ? [size] : []),
  ];
}

/** A list of at most `max` items, citing the member. */
export const listOf = (min: number | undefined, max: number | undefined, source: Source) =>
  items(min, max, source);

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
