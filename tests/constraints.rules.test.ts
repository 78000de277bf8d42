/**
 * Every rule of the constraint catalog, proven with purpose-broken inputs: each value a rule lists in `refuses`
 * (written with the rule, or derived from its own bounds) is refused by the rule itself, and by the whole check
 * when it is placed at the rule's field of a resource of the rule's type. Then the headline cases by hand: the
 * inputs AWS has refused or would refuse, each caught with its rule and its source in the message.
 */
import * as assert from "node:assert/strict";
import {
  CATALOG,
  type ConstraintViolation,
  checkResource,
  formatViolations,
  type Rule,
  type Source,
} from "../lib/constraints";
import type { RuleContext } from "../lib/constraints/model";

/** The inputs with `value` at `path` (`a.b`, `a[].b`, a document's root `[]`), every list of one element. */
function place(path: string, value: unknown): unknown {
  if (path === "") return value;
  if (path.startsWith("[]")) return [place(path.slice(2).replace(/^\./, ""), value)];
  const m = /^([^.[]+)(.*)$/.exec(path);
  if (!m) throw new Error(`unplaceable path ${path}`);
  return { [m[1]]: place(m[2].replace(/^\./, ""), value) };
}

const ctxFor = (type: string, inputs: unknown): RuleContext => ({
  type,
  name: "proof",
  inputs: (inputs ?? {}) as Record<string, unknown>,
  providerTags: {},
});

/** The rules a finding may be reported under: the rule's own, or one it delegates to (log options' region). */
function reportedRules(rule: Rule, value: unknown, ctx: RuleContext): { text: string; source: Source }[] {
  return rule.check(value, ctx).map((f) => f.rule ?? { text: rule.text, source: rule.source });
}

function caughtBy(violations: ConstraintViolation[], expected: { text: string; source: Source }[]): boolean {
  return violations.some((v) =>
    expected.some((e) => e.text === v.rule && JSON.stringify(e.source) === JSON.stringify(v.source)),
  );
}

const show = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

interface Proof {
  title: string;
  /** The rule, applied to `value` on its own. */
  rule: Rule | { text: string; source: Source; check: (v: never, ctx: RuleContext) => unknown[] };
  value: unknown;
  /** The resource inputs that carry the broken value. */
  inputs: Record<string, unknown>;
  /** The value the rule itself sees (the field's value, a document, or the whole inputs). */
  subject: unknown;
}

/** One proof per (type, field, rule, refused value), including document fields, cross-field rules and tags. */
function proofs(): Map<string, Proof[]> {
  const byType = new Map<string, Proof[]>();
  for (const [type, entry] of Object.entries(CATALOG)) {
    const out: Proof[] = [];
    const fieldRules = Object.entries(entry.fields).flatMap(([field, rules]) =>
      rules.map((rule) => [field, rule] as const),
    );
    for (const [field, rule] of [...fieldRules, ...(entry.tags ?? []).map((r) => ["tags", r] as const)]) {
      for (const value of rule.refuses ?? []) {
        out.push({
          title: `${field}: ${rule.text} refuses ${show(value)}`,
          rule,
          value,
          subject: value,
          inputs: place(field, value) as Record<string, unknown>,
        });
      }
      const doc = rule.document;
      if (!doc) continue;
      for (const [docField, docRules] of Object.entries(doc.fields)) {
        for (const docRule of docRules) {
          for (const value of docRule.refuses ?? []) {
            const parsed = place(docField, value);
            out.push({
              title: `${field}(json) ${docField}: ${docRule.text} refuses ${show(value)}`,
              rule: docRule,
              value,
              subject: value,
              inputs: place(field, JSON.stringify(parsed)) as Record<string, unknown>,
            });
          }
        }
      }
      for (const cross of doc.resource ?? []) {
        for (const value of cross.refuses ?? []) {
          out.push({
            title: `${field}(json): ${cross.text} refuses ${show(value)}`,
            rule: cross as Proof["rule"],
            value,
            subject: value,
            inputs: place(field, JSON.stringify(value)) as Record<string, unknown>,
          });
        }
      }
    }
    for (const cross of entry.resource ?? []) {
      for (const value of cross.refuses ?? []) {
        out.push({
          title: `${cross.text} refuses ${show(value)}`,
          rule: cross as Proof["rule"],
          value,
          subject: value,
          inputs: value as Record<string, unknown>,
        });
      }
    }
    byType.set(type, out);
  }
  return byType;
}

describe("constraint rules, each proven with purpose-broken inputs", () => {
  it("every rule of the catalog lists at least one input it refuses", () => {
    const missing: string[] = [];
    for (const [type, entry] of Object.entries(CATALOG)) {
      for (const [field, rules] of Object.entries(entry.fields)) {
        for (const r of rules) {
          if (!r.refuses?.length) missing.push(`${type} ${field}: ${r.text}`);
          for (const [docField, docRules] of Object.entries(r.document?.fields ?? {})) {
            for (const d of docRules)
              if (!d.refuses?.length) missing.push(`${type} ${field}(json) ${docField}: ${d.text}`);
          }
          for (const c of r.document?.resource ?? [])
            if (!c.refuses?.length) missing.push(`${type} ${field}(json): ${c.text}`);
        }
      }
      for (const r of entry.tags ?? []) if (!r.refuses?.length) missing.push(`${type} tags: ${r.text}`);
      for (const c of entry.resource ?? []) if (!c.refuses?.length) missing.push(`${type}: ${c.text}`);
    }
    assert.deepEqual(missing, []);
  });

  for (const [type, list] of proofs()) {
    describe(type, () => {
      it(`refuses each of its ${list.length} broken inputs, by the rule and by the whole check`, () => {
        const failures: string[] = [];
        for (const p of list) {
          const ctx = ctxFor(type, p.inputs);
          const expected =
            "fields" in p.rule
              ? (
                  p.rule.check as (
                    v: unknown,
                    c: RuleContext,
                  ) => { rule?: { text: string; source: Source } }[]
                )(p.subject, ctx).map((f) => f.rule ?? { text: p.rule.text, source: p.rule.source })
              : reportedRules(p.rule as Rule, p.subject, ctx);
          if (expected.length === 0) {
            failures.push(`${p.title}: the rule accepts it`);
            continue;
          }
          const violations = checkResource({ type, name: "proof", inputs: p.inputs });
          if (!caughtBy(violations, expected)) {
            failures.push(`${p.title}: the check does not report it (${formatViolations(violations)})`);
          }
        }
        assert.deepEqual(failures, []);
      });
    });
  }
});

/** The violations of one resource, and the formatted message the mock cloud and the plan print. */
function check(type: string, name: string, inputs: Record<string, unknown>, providerTags = {}) {
  const violations = checkResource({ type, name, inputs }, { providerTags });
  return { violations, message: formatViolations(violations) };
}

describe("constraint rules: the headline cases", () => {
  const SG_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

  it("an apostrophe in a security group rule description (terraform-provider-aws issue 18874)", () => {
    const { violations, message } = check(SG_RULE, "alb-http", {
      securityGroupId: "sg-0123456789abcdef0",
      ipProtocol: "tcp",
      fromPort: 80,
      toPort: 80,
      cidrIpv4: "0.0.0.0/0",
      description: "HTTP from the internet to the ALB's listener",
    });
    assert.equal(violations.length, 1, message);
    assert.equal(violations[0].field, "description");
    assert.match(message, /contains "'"/);
    assert.match(message, /only a-z, A-Z, 0-9, spaces and \._-:\/\(\)#,@\[\]\+=&;\{\}!\$\*/);
    assert.match(message, /AWS API reference, botocore ec2\/IpRange\.Description/);
    assert.match(
      message,
      /Allowed characters are a-z, A-Z, 0-9, spaces, and \._-:\/\(\)#,@\[\]\+=&;\{\}!\$\*/,
    );
  });

  it("a 33-character target group name, and an auto-named one whose logical name leaves no room", () => {
    const named = check("aws:lb/targetGroup:TargetGroup", "api", { name: "t".repeat(33), port: 80 });
    assert.ok(
      named.violations.some((v) => v.field === "name" && v.rule === "length 1-32"),
      named.message,
    );
    assert.match(named.message, /can have a maximum of 32 characters/);
    const auto = check("aws:lb/targetGroup:TargetGroup", "ecs-json-api-prod-blue-tg-x", { port: 80 });
    assert.match(auto.message, /name \(auto-named\) = "ecs-json-api-prod-blue-tg-x"/);
    assert.match(auto.message, /pulumi\/pulumi-aws provider\/aliases\.go/);
    assert.match(auto.message, /tfbridge\.AutoName\("name", 32, "-"\)/);
  });

  it("a load balancer auto-named past ELB's 32 characters (pulumi-aws allows it 255)", () => {
    const { message } = check("aws:lb/loadBalancer:LoadBalancer", "ecs-json-api-production-alb", {
      loadBalancerType: "application",
      subnets: ["subnet-a", "subnet-b"],
    });
    assert.match(
      message,
      /name \(auto-named from "ecs-json-api-production-alb"\) = "ecs-json-api-production-alb-0123456"/,
    );
    assert.match(message, /required: length 1-32/);
  });

  it("an auto-named IAM role whose physical name exceeds 64 characters", () => {
    const logical = "ecs-json-api-production-task-execution-role-for-the-api-svc";
    const { message } = check("aws:iam/role:Role", logical, {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      }),
    });
    assert.match(message, /name \(auto-named\)/);
    assert.match(message, /tfbridge\.AutoName\("name", 64, "-"\)/);
  });

  it("an alarm of period 3000 s × 48 evaluation periods (more than a day for a period under an hour)", () => {
    const alarm = (period: number, evaluationPeriods: number) =>
      check("aws:cloudwatch/metricAlarm:MetricAlarm", "api-5xx", {
        name: "api-5xx",
        namespace: "AWS/ApplicationELB",
        metricName: "HTTPCode_Target_5XX_Count",
        statistic: "Sum",
        period,
        evaluationPeriods,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
      });
    const broken = alarm(3000, 48);
    assert.equal(broken.violations.length, 1, broken.message);
    assert.equal(broken.violations[0].field, "evaluationPeriods");
    assert.match(broken.message, /× period 3000 is 144000 s, above 86400 s/);
    assert.match(
      broken.message,
      /For alarms with a period of less than one hour \(3,600 seconds\), the total evaluation period can't be longer than one day/,
    );
    // The limit is seven days for hourly periods: AWS accepts 3600 × 48 (two days) and refuses 3600 × 169.
    assert.deepEqual(alarm(3600, 48).violations, []);
    assert.match(alarm(3600, 169).message, /above 604800 s/);
    // A period must be 10, 20, 30 or a multiple of 60.
    assert.match(alarm(90, 2).message, /required: 10, 20, 30 or a multiple of 60/);
  });

  it("a log retention of 8 days", () => {
    const { violations, message } = check("aws:cloudwatch/logGroup:LogGroup", "api", {
      name: "/ecs/api",
      retentionInDays: 8,
    });
    assert.equal(violations.length, 1, message);
    assert.match(message, /retentionInDays = 8 is not an allowed value/);
    assert.match(message, /botocore logs\/PutRetentionPolicyRequest\.retentionInDays/);
  });

  it("a tag value of 257 characters, own or from the provider's default tags", () => {
    const own = check("aws:ecs/cluster:Cluster", "api", { name: "api", tags: { owner: "o".repeat(257) } });
    assert.match(own.message, /tags \(with the provider's default tags\)\.owner/);
    assert.match(own.message, /Maximum value length - 256 Unicode characters in UTF-8/);
    const inherited = check("aws:ecs/cluster:Cluster", "api", { name: "api" }, { owner: "o".repeat(257) });
    assert.match(inherited.message, /tags \(with the provider's default tags\)\.owner/);
  });

  it("an IAM role path without its trailing slash", () => {
    const { message } = check("aws:iam/role:Role", "api", {
      name: "api",
      path: "/ecs-json-api",
      assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
    });
    assert.match(message, /path = "\/ecs-json-api" does not match/);
    assert.match(message, /botocore iam\/CreateRoleRequest\.Path/);
  });

  it("an S3 bucket auto-named from a logical name with capitals (the provider lowercases it)", () => {
    const ok = check("aws:s3/bucket:Bucket", "StateBucket", {});
    assert.deepEqual(ok.violations, [], ok.message);
    const bad = check("aws:s3/bucket:Bucket", "state_bucket", {});
    assert.match(bad.message, /bucket \(auto-named from "state_bucket"\) = "state_bucket-0123456"/);
  });

  it("a name completed from a prefix: the prefix and Terraform's 26 characters must fit the name's rules", () => {
    const policy = check("aws:iam/policy:Policy", "p", {
      namePrefix: `ecs-json-api-${"p".repeat(100)}-`,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
    });
    assert.match(policy.message, /name \(from namePrefix "ecs-json-api-p+-" \+ 26 characters/);
    assert.match(policy.message, /has 140 characters; required: length 1-128/);
    assert.match(policy.message, /terraform-plugin-sdk helper\/id\/id\.go/);
    const bucket = check("aws:s3/bucket:Bucket", "logs", { bucketPrefix: "Logs-" });
    assert.match(bucket.message, /bucket \(from bucketPrefix "Logs-"/);
    assert.deepEqual(check("aws:s3/bucket:Bucket", "logs", { bucketPrefix: "logs-" }).violations, []);
  });

  it("a JSON document's own fields: an identity policy with a Principal and a bad Sid", () => {
    const { message } = check("aws:iam/rolePolicy:RolePolicy", "pull", {
      role: "api",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "allow-pull", Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: "*" },
        ],
      }),
    });
    assert.match(message, /policy\(json\)\.Statement\[0\]\.Sid = "allow-pull"/);
    assert.match(message, /policy\(json\)\.Statement\[0\]\.Principal/);
    assert.match(message, /You cannot use the Principal element in an identity-based policy/);
  });
});
