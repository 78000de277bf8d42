/**
 * The AWS constraint check over what the repository deploys: both committed stacks, prod's two HTTPS
 * variants and the bootstrap program pass it; every type they create has an entry and every input field is
 * ruled or declared unconstrained with a reason; the generated botocore rules file is exactly what the catalog
 * references; and the mock cloud refuses a resource or an invoke AWS would refuse, with the same message.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import {
  CATALOG,
  checkConstraints,
  constraintsSection,
  formatViolations,
  generatedModels,
  references,
  type Source,
  uncheckedTypes,
} from "../lib/constraints";
import { compilePattern } from "../lib/constraints/botocore";
import { uncoveredFields } from "../lib/constraints/coverage";
import { constraintCounts, renderConstraintsDoc } from "../lib/constraints/doc";
import { type Evaluation, evaluateStack, PROJECT_ROOT, runUnderMocks } from "../lib/harness";
import { ECS_AMI_PARAMETERS } from "../lib/harness/mocks";

/** Every program the repository deploys, evaluated the way the other tests evaluate it (memoised). */
const DEPLOYED: Record<string, () => Promise<Evaluation>> = {
  test: () => evaluateStack("test"),
  prod: () => evaluateStack("prod"),
  "prod with a certificate ARN": () =>
    evaluateStack("prod", {
      overrides: {
        "ecs-json-api:certificateArn":
          "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc",
      },
    }),
  "prod with a domain in a hosted zone": () =>
    evaluateStack("prod", {
      overrides: {
        "ecs-json-api:domainName": "api.example.com",
        "ecs-json-api:hostedZoneId": "Z0123456789ABC",
      },
    }),
  bootstrap: () => evaluateStack("example", { projectRoot: path.join(PROJECT_ROOT, "bootstrap") }),
};

describe("AWS constraints of what the repository deploys", () => {
  for (const [what, evaluate] of Object.entries(DEPLOYED)) {
    describe(what, () => {
      it("passes the constraint check, and every type it creates has an entry", async () => {
        const evaluation = await evaluate();
        assert.deepEqual(uncheckedTypes(evaluation), []);
        const violations = checkConstraints(evaluation);
        assert.deepEqual(violations, [], formatViolations(violations));
      });

      it("covers every input field: a rule, or AWS documents no constraint (with the reason)", async () => {
        const evaluation = await evaluate();
        const uncovered = evaluation.resources
          .filter((r) => r.custom !== false || CATALOG[r.type])
          .flatMap((r) => uncoveredFields(r.type, r.inputs));
        assert.deepEqual(
          [...new Set(uncovered.map((u) => `${u.type} ${u.field}`))],
          [],
          "add a rule, or an `unconstrained` entry with the reason AWS documents no limit",
        );
      });
    });
  }

  it("has entries for the types and ECS service fields the program will create next", () => {
    const soon = [
      "aws:lb/listenerRule:ListenerRule",
      "aws:ssm/parameter:Parameter",
      "aws:lambda/function:Function",
      "aws:lambda/permission:Permission",
      "aws:iam/policy:Policy",
      "aws:s3/bucketLogging:BucketLogging",
      "aws:ecr/repositoryPolicy:RepositoryPolicy",
      "aws:ecr/lifecyclePolicy:LifecyclePolicy",
      "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
      "aws:servicediscovery/service:Service",
    ];
    assert.deepEqual(
      soon.filter((t) => !CATALOG[t]),
      [],
    );
    const service = CATALOG["aws:ecs/service:Service"];
    for (const field of [
      "deploymentConfiguration.strategy",
      "deploymentConfiguration.bakeTimeInMinutes",
      "deploymentConfiguration.canaryConfiguration.canaryPercent",
      "deploymentConfiguration.canaryConfiguration.canaryBakeTimeInMinutes",
      "deploymentConfiguration.linearConfiguration.stepPercent",
      "deploymentConfiguration.linearConfiguration.stepBakeTimeInMinutes",
      "deploymentConfiguration.lifecycleHooks[].lifecycleStages[]",
      "deploymentConfiguration.lifecycleHooks[].targetType",
      "alarms.alarmNames[]",
    ]) {
      assert.ok(service.fields[field]?.length, `ECS service field ${field} has no rule`);
    }
    assert.ok(
      service.unconstrained?.["loadBalancers[].advancedConfiguration.alternateTargetGroupArn"],
      "advancedConfiguration's references are declared",
    );
    assert.ok(
      service.resource?.some((c) => c.fields.includes("loadBalancers[].advancedConfiguration")),
      "blue/green deployments require advancedConfiguration",
    );
  });

  it("gives every rule a source that says where to read it", () => {
    const bad: string[] = [];
    const checkSource = (where: string, s: Source | undefined) => {
      if (!s?.ref) bad.push(`${where}: no source`);
      else if (s.kind === "documentation" && !/^https:\/\//.test(s.url ?? "")) bad.push(`${where}: no URL`);
      else if (s.kind === "api-reference" && !s.quote) bad.push(`${where}: no quote`);
    };
    for (const [type, entry] of Object.entries(CATALOG)) {
      for (const [field, rules] of Object.entries(entry.fields)) {
        for (const r of rules) {
          checkSource(`${type} ${field}`, r.source);
          for (const [df, drs] of Object.entries(r.document?.fields ?? {}))
            for (const d of drs) checkSource(`${type} ${field}(json) ${df}`, d.source);
          for (const c of r.document?.resource ?? [])
            checkSource(`${type} ${field}(json) ${c.text}`, c.source);
        }
      }
      for (const c of entry.resource ?? []) checkSource(`${type} ${c.text}`, c.source);
      if (entry.autoName) checkSource(`${type} auto-name`, entry.autoName.source);
      for (const [field, reason] of Object.entries(entry.unconstrained ?? {})) {
        if (!reason.trim()) bad.push(`${type} ${field}: unconstrained without a reason`);
      }
    }
    assert.deepEqual(bad, []);
  });
});

describe("the constraint section of npm run plan", () => {
  it("reports what it checked and passes on a committed stack", async () => {
    const { text, ok } = constraintsSection(await evaluateStack("test"));
    assert.ok(ok, text);
    assert.match(
      text,
      /^AWS constraints \(lib\/constraints, docs\/constraints\.md\)\n {2}\d+ resources of \d+ types checked\n {2}AWS constraints: no violations\n$/,
    );
  });

  it("fails, naming the violation and its source, or a type it cannot check", () => {
    const { text, ok } = constraintsSection({
      resources: [
        {
          type: "aws:cloudwatch/logGroup:LogGroup",
          name: "api",
          custom: true,
          inputs: { name: "/ecs/api", retentionInDays: 8 },
        },
        { type: "aws:sqs/queue:Queue", name: "jobs", custom: true, inputs: {} },
      ],
    });
    assert.equal(ok, false);
    assert.match(text, /no constraint entry \(not checked\): aws:sqs\/queue:Queue/);
    assert.match(text, /retentionInDays = 8 is not an allowed value/);
    assert.match(
      text,
      /source: AWS API reference, botocore logs\/PutRetentionPolicyRequest\.retentionInDays/,
    );
  });
});

describe("docs/constraints.md", () => {
  it("lists every rule with its source and the counts, as the catalog renders them now", () => {
    const committed = readFileSync(path.join(PROJECT_ROOT, "docs", "constraints.md"), "utf8");
    assert.ok(
      committed === renderConstraintsDoc(),
      "docs/constraints.md is stale: run `npm run constraints:docs`",
    );
    const counts = constraintCounts();
    assert.equal(counts.types, Object.keys(CATALOG).length);
    assert.ok(
      counts.byKind.botocore > 0 && counts.byKind["api-reference"] > 0 && counts.byKind.documentation > 0,
    );
    assert.match(committed, new RegExp(`^${counts.rules} rules over ${counts.types} resource types`, "m"));
  });
});

describe("the generated botocore rules file", () => {
  it("holds exactly the members and quotes the catalog references (regenerate with npm run constraints:generate)", () => {
    // Importing the catalog registers every botocore member and every quoted API reference it names.
    const generated = generatedModels();
    const used = references();
    assert.deepEqual(Object.keys(generated.members).sort(), used.members, "stale or missing members");
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(generated.quotes)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => [k, [...v].sort()]),
      ),
      used.quotes,
      "stale or missing quotes",
    );
    assert.ok(generated.regions.includes("eu-west-1"));
  });

  it("has patterns that compile as JavaScript regular expressions", () => {
    const failed: string[] = [];
    const visit = (
      where: string,
      t: { pattern?: string; member?: unknown; key?: unknown; value?: unknown },
    ) => {
      if (!t || typeof t !== "object") return;
      if (t.pattern) {
        try {
          compilePattern(t.pattern);
        } catch (err) {
          failed.push(`${where}: ${(err as Error).message}`);
        }
      }
      for (const sub of ["member", "key", "value"] as const)
        if (t[sub]) visit(`${where}.${sub}`, t[sub] as never);
    };
    for (const [ref, traits] of Object.entries(generatedModels().members)) visit(ref, traits as never);
    assert.deepEqual(failed, []);
  });
});

/** An identity policy of about `n` characters without white space (one long Sid). */
const policyOf = (n: number) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "x".repeat(n), Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
  });
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
});

describe("remote components", () => {
  it("checks awsx's VPC by its inputs, which its children (never seen under mocks) pass on to AWS", () => {
    const vpc = (cidrBlock: string) => ({
      type: "awsx:ec2:Vpc",
      name: "network",
      custom: false,
      inputs: { cidrBlock, numberOfAvailabilityZones: 2 },
    });
    assert.deepEqual(checkConstraints({ resources: [vpc("10.0.0.0/16")] }), []);
    assert.match(
      formatViolations(checkConstraints({ resources: [vpc("10.0.0.0/8")] })),
      /cidrBlock = "10\.0\.0\.0\/8" has a \/8 netmask/,
    );
    // A component the catalog has no entry for is the program's own, and AWS never sees it.
    assert.deepEqual(
      checkConstraints({
        resources: [{ type: "ecs-json-api:network:Network", name: "n", custom: false, inputs: {} }],
      }),
      [],
    );
  });
});

describe("limits over several resources", () => {
  it("counts a role's inline policies together, in the role and in role policies naming it", () => {
    const role = {
      type: "aws:iam/role:Role",
      name: "task",
      inputs: {
        name: "task",
        assumeRolePolicy: TRUST,
        inlinePolicies: [{ name: "a", policy: policyOf(6000) }],
      },
    };
    const rolePolicy = (name: string, size: number) => ({
      type: "aws:iam/rolePolicy:RolePolicy",
      name,
      inputs: { role: "task", name, policy: policyOf(size) },
    });
    assert.deepEqual(checkConstraints({ resources: [role, rolePolicy("b", 4000)] }), []);
    const violations = checkConstraints({ resources: [role, rolePolicy("b", 4000), rolePolicy("c", 400)] });
    assert.equal(violations.length, 1, formatViolations(violations));
    assert.match(
      formatViolations(violations),
      /"task": inline policies together \(task, b, c\) = "10\d{3} characters"/,
    );
    assert.match(formatViolations(violations), /Role policy size cannot exceed 10,240 characters/);
  });

  it("makes the mock cloud refuse the role policy that takes a role past 10,240 characters", async () => {
    await assert.rejects(
      runUnderMocks(() => {
        const role = new aws.iam.Role("task", { assumeRolePolicy: TRUST });
        new aws.iam.RolePolicy("read", { role: role.name, policy: policyOf(6000) });
        new aws.iam.RolePolicy("write", { role: role.name, policy: policyOf(6000) });
      }),
      /mock cloud refuses: .*\n.*"task": inline policies together \(task, read, write\)/,
    );
  });
});

describe("the mock cloud refuses what AWS refuses", () => {
  it("fails an evaluation whose resource AWS would refuse, with the check's message and source", async () => {
    await assert.rejects(
      runUnderMocks(() => {
        new aws.vpc.SecurityGroupIngressRule("http", {
          securityGroupId: "sg-0123456789abcdef0",
          ipProtocol: "tcp",
          fromPort: 80,
          toPort: 80,
          cidrIpv4: "0.0.0.0/0",
          description: "HTTP to the ALB's listener",
        });
      }),
      (err: Error) => {
        assert.match(err.message, /mock cloud refuses: AWS constraints: 1 violation/);
        assert.match(err.message, /"http": description = "HTTP to the ALB's listener" contains "'"/);
        assert.match(err.message, /source: AWS API reference, botocore ec2\/IpRange\.Description/);
        return true;
      },
    );
  });

  it("checks a resource's tags together with its provider's default tags", async () => {
    // 30 default tags and 21 of its own: each set is fine, the 51 the resource ends up with are not.
    const tags = (prefix: string, n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, "v"]));
    await assert.rejects(
      runUnderMocks(() => {
        const provider = new aws.Provider("tagged", {
          region: "eu-west-1",
          defaultTags: { tags: tags("d", 30) },
        });
        new aws.ecs.Cluster("c", { tags: tags("own", 21) }, { provider });
      }),
      /aws:ecs\/cluster:Cluster "c": tags \(with the provider's default tags\) = "51 tags" has 51 tags; required: at most 50 tags/,
    );
  });

  it("accepts a resource AWS accepts", async () => {
    const evaluation = await runUnderMocks(() => {
      new aws.vpc.SecurityGroupIngressRule("http", {
        securityGroupId: "sg-0123456789abcdef0",
        ipProtocol: "tcp",
        fromPort: 80,
        toPort: 80,
        cidrIpv4: "0.0.0.0/0",
        description: "HTTP to the ALB listener",
      });
    });
    assert.equal(
      evaluation.resourcesOfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").length,
      1,
    );
  });

  it("answers the ECS-optimized AL2023 AMI parameters, and only those", async () => {
    const evaluation = await runUnderMocks(async () => {
      const answers = await Promise.all(ECS_AMI_PARAMETERS.map((name) => aws.ssm.getParameter({ name })));
      return { ids: answers.map((a) => a.value) };
    });
    for (const id of evaluation.outputs.ids as string[]) assert.match(id, /^ami-[0-9a-f]{17}$/);
    for (const name of [
      "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended",
      "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id/extra",
      "/aws/service/ecs/optimized-ami/amazon-linux-2023/x86_64/recommended/image_id",
      "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id",
    ]) {
      await assert.rejects(
        runUnderMocks(async () => {
          await aws.ssm.getParameter({ name });
        }),
        /ParameterNotFound/,
        name,
      );
    }
  });

  it("answers regions of the aws partition only, and zones and ELB accounts it knows", async () => {
    await assert.rejects(
      runUnderMocks(async () => {
        await aws.getRegion({ region: "eu-west-9" });
      }),
      /eu-west-9 is not a region of the aws partition/,
    );
    await assert.rejects(
      runUnderMocks(
        async () => {
          await aws.getAvailabilityZones({});
        },
        { config: { "aws:region": "us-east-1" } },
      ),
      /no Availability Zones known for us-east-1/,
    );
    await assert.rejects(
      runUnderMocks(async () => {
        await aws.ecr.getAuthorizationToken({ registryId: "1234" });
      }),
      /registryId 1234 is not 12 digits/,
    );
  });
});
