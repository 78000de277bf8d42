/**
 * The IAM policy language, for every JSON policy document a resource carries (identity, trust and resource
 * policies: roles, role policies, managed policies, bucket, topic, key and repository policies), and IAM's
 * size limits.
 */
import { botocore } from "../botocore";
import type { DocumentConstraints, Rule } from "../model";
import { custom, jsonDocument, oneOf, pattern } from "../rules";
import { iamConditionOperators, iamPolicyElements, iamQuotas } from "./docs";

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
