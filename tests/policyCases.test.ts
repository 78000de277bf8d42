/**
 * Every policy of the pack, proven both ways on resources built here (tests/policyFixture.ts), independent of
 * the real components: the compliant fixture passes every policy (and every policy actually checks something
 * in it), and each deliberately broken variant is caught by the policy it breaks, and by no other.
 */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { checkStack, type PolicyReport } from "../lib/policy";
import { policies } from "../policy/policies";
import { container, evaluateFixture, type FixtureOptions, tlsOnlyPolicy, trust } from "./policyFixture";

interface Case extends FixtureOptions {
  /** The policy that must object. */
  policy: string;
  /** What is broken, as the test name says it. */
  broken: string;
  /** Every message that policy must report (and nothing else from it). */
  messages: RegExp[];
  /** Other policies the same mistake also breaks. */
  alsoFails?: string[];
}

/** Container definition edits, as a task definition tweak. */
const withContainer =
  (edit: (c: aws.ecs.ContainerDefinition) => void) => (td: aws.ecs.TaskDefinitionArgs) => {
    const c = container();
    edit(c);
    return { ...td, containerDefinitions: JSON.stringify([c]) };
  };

const document = (statement: object) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
const sgRule = (
  name: string,
  args:
    | aws.ec2.SecurityGroupRuleArgs
    | ((b: Record<string, pulumi.CustomResource>) => aws.ec2.SecurityGroupRuleArgs),
) => ({
  extra: (b: Record<string, pulumi.CustomResource>, opts: pulumi.CustomResourceOptions) => {
    new aws.ec2.SecurityGroupRule(name, typeof args === "function" ? args(b) : args, opts);
  },
});
const instanceSgId = (b: Record<string, pulumi.CustomResource>) => (b.instanceSg as aws.ec2.SecurityGroup).id;

const CASES: Case[] = [
  // Security groups
  {
    policy: "sg-no-ingress-from-anywhere",
    broken: "an instance port open to the internet",
    ...sgRule("open-8080", (b) => ({
      type: "ingress",
      securityGroupId: instanceSgId(b),
      protocol: "tcp",
      fromPort: 8080,
      toPort: 8080,
      cidrBlocks: ["0.0.0.0/0"],
      description: "debug",
    })),
    messages: [/^open-8080: ingress from 0\.0\.0\.0\/0 to port 8080; only TCP 80 and 443/],
  },
  {
    policy: "sg-no-ingress-from-anywhere",
    broken: "port 443 from the internet on a group that is not the load balancer's",
    tweaks: {
      instanceSg: (a) => ({
        ...a,
        ingress: [
          { protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["::/0"], description: "https" },
        ],
      }),
    },
    messages: [/^fx-instanceSg inline ingress rule 1: ingress from ::\/0 to port 443 on a group that is not/],
  },
  {
    policy: "sg-no-admin-ports",
    broken: "SSH from inside the VPC",
    ...sgRule("ssh", (b) => ({
      type: "ingress",
      securityGroupId: instanceSgId(b),
      protocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrBlocks: ["10.0.0.0/16"],
      description: "ssh",
    })),
    messages: [/^ssh: ingress to port 22 opens port 22$/],
  },
  {
    policy: "sg-no-admin-ports",
    broken: "all ports from the load balancer's group",
    tweaks: { instanceIngress: (a) => ({ ...a, ipProtocol: "-1", fromPort: undefined, toPort: undefined }) },
    messages: [/^fx-instanceIngress: ingress to ports 0-65535 opens port 22$/, /opens port 3389$/],
  },
  {
    policy: "sg-rules-described",
    broken: "rules without descriptions",
    tweaks: {
      albEgress: (a) => ({ ...a, description: undefined }),
      instanceSg: (a) => ({ ...a, egress: [{ ...a.egress[0], description: " " }] }),
    },
    messages: [
      /^fx-instanceSg inline egress rule 1: egress rule has no description$/,
      /^fx-albEgress: egress rule has no description$/,
    ],
  },
  // Launch templates
  {
    policy: "launch-template-imdsv2",
    broken: "IMDSv1 allowed and a hop limit of 2",
    tweaks: {
      launchTemplate: (a) => ({
        ...a,
        metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 },
      }),
    },
    messages: [
      /httpTokens is "optional"; it must be "required"/,
      /httpPutResponseHopLimit is 2; it must be 1/,
    ],
  },
  {
    policy: "launch-template-encrypted-volumes",
    broken: "an unencrypted root volume",
    tweaks: {
      launchTemplate: (a) => ({
        ...a,
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }],
      }),
    },
    messages: [/^EBS volume \/dev\/xvda is not encrypted$/],
  },
  {
    policy: "launch-template-encrypted-volumes",
    broken: "no declared volumes",
    tweaks: { launchTemplate: (a) => ({ ...a, blockDeviceMappings: undefined }) },
    messages: [
      /^no blockDeviceMappings: the root volume's encryption would depend on the account's EBS default$/,
    ],
  },
  {
    policy: "launch-template-no-public-ip",
    broken: "a public IP on the network interface",
    tweaks: { launchTemplate: (a) => ({ ...a, networkInterfaces: [{ associatePublicIpAddress: "true" }] }) },
    messages: [/^network interface 0 associates a public IP address$/],
  },
  // Load balancer
  {
    policy: "alb-drop-invalid-headers",
    broken: "invalid headers passed on",
    tweaks: { alb: (a) => ({ ...a, dropInvalidHeaderFields: false }) },
    messages: [/^dropInvalidHeaderFields is not true$/],
  },
  {
    policy: "alb-desync-mitigation",
    broken: "desync mitigation in monitor mode",
    tweaks: { alb: (a) => ({ ...a, desyncMitigationMode: "monitor" }) },
    messages: [/^desyncMitigationMode is "monitor"; use "defensive" or "strictest"$/],
  },
  {
    policy: "alb-deletion-protection-prod",
    broken: "no deletion protection in prod",
    stack: "prod",
    tweaks: { alb: (a) => ({ ...a, enableDeletionProtection: false }) },
    messages: [/^enableDeletionProtection is not true in a production stack$/],
  },
  {
    policy: "alb-access-logs-prod",
    broken: "no access logs in prod",
    stack: "prod",
    tweaks: { alb: (a) => ({ ...a, accessLogs: { bucket: "logs", enabled: false } }) },
    messages: [/^accessLogs are not enabled with a bucket in a production stack$/],
  },
  {
    policy: "alb-listener-tls-policy",
    broken: "an HTTPS listener on the 2016 TLS policy",
    tweaks: { httpsListener: (a) => ({ ...a, sslPolicy: "ELBSecurityPolicy-2016-08" }) },
    messages: [/^sslPolicy "ELBSecurityPolicy-2016-08" is not one of ELBSecurityPolicy-TLS13-1-3-2021-06, /],
  },
  {
    policy: "alb-listener-tls-policy",
    broken: "an HTTPS listener without a TLS policy",
    tweaks: { httpsListener: (a) => ({ ...a, sslPolicy: undefined }) },
    messages: [/^sslPolicy is not set; the default \(ELBSecurityPolicy-2016-08\) still allows TLS 1\.0$/],
  },
  {
    policy: "alb-http-redirects-to-https",
    broken: "HTTP forwarded although an HTTPS listener exists",
    tweaks: {
      httpListener: (a) => ({ ...a, defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }] }),
    },
    messages: [
      /^fx-httpListener: HTTP listener serves plain HTTP; its default action must redirect to HTTPS$/,
    ],
  },
  {
    policy: "alb-http-redirects-to-https",
    broken: "an ACM certificate without an HTTPS listener",
    tweaks: { httpsListener: () => null },
    extra: (_b, opts) => {
      new aws.acm.Certificate("cert", { domainName: "api.example.com", validationMethod: "DNS" }, opts);
    },
    messages: [/^fx-alb: an ACM certificate exists but the load balancer has no HTTPS listener$/],
  },
  {
    policy: "target-group-health-check",
    broken: "no health check",
    tweaks: { targetGroup: (a) => ({ ...a, healthCheck: undefined }) },
    messages: [/^no healthCheck block: the defaults probe \/ on the traffic port$/],
  },
  {
    policy: "target-group-health-check",
    broken: "a disabled health check",
    tweaks: { targetGroup: (a) => ({ ...a, healthCheck: { enabled: false } }) },
    messages: [/^healthCheck is disabled$/],
  },
  {
    policy: "target-group-deregistration-delay",
    broken: "the default deregistration delay",
    tweaks: { targetGroup: (a) => ({ ...a, deregistrationDelay: undefined }) },
    messages: [/^deregistrationDelay is not set$/],
  },
  // Task definitions and services
  {
    policy: "ecs-task-no-host-namespaces",
    broken: "host network and process namespaces",
    tweaks: { taskDefinition: (a) => ({ ...a, networkMode: "host", pidMode: "host" }) },
    messages: [/^networkMode is host$/, /^pidMode is host$/],
  },
  {
    policy: "ecs-container-not-privileged",
    broken: "a privileged container",
    tweaks: { taskDefinition: withContainer((c) => Object.assign(c, { privileged: true })) },
    messages: [/^container "api": privileged is true$/],
  },
  {
    policy: "ecs-container-read-only-root",
    broken: "a writable root filesystem",
    tweaks: { taskDefinition: withContainer((c) => Object.assign(c, { readonlyRootFilesystem: false })) },
    messages: [/^container "api": readonlyRootFilesystem is not true$/],
  },
  {
    policy: "ecs-container-non-root-user",
    broken: "no user",
    tweaks: { taskDefinition: withContainer((c) => Object.assign(c, { user: undefined })) },
    messages: [/^container "api": user is not set \(the container would run as root\)$/],
  },
  {
    policy: "ecs-container-non-root-user",
    broken: "uid 0",
    tweaks: { taskDefinition: withContainer((c) => Object.assign(c, { user: "0:0" })) },
    messages: [/^container "api": user "0:0" is root$/],
  },
  {
    policy: "ecs-container-awslogs",
    broken: "logs to the instance's disk",
    tweaks: {
      taskDefinition: withContainer((c) =>
        Object.assign(c, { logConfiguration: { logDriver: "json-file" } }),
      ),
    },
    messages: [/^container "api": logDriver is "json-file", not awslogs$/],
  },
  {
    policy: "ecs-container-awslogs",
    broken: "no log configuration",
    tweaks: { taskDefinition: withContainer((c) => Object.assign(c, { logConfiguration: undefined })) },
    messages: [/^container "api": no logConfiguration$/],
  },
  {
    policy: "ecs-container-no-secrets-in-environment",
    broken: "a password and an access key in the environment",
    tweaks: {
      taskDefinition: withContainer((c) =>
        Object.assign(c, {
          environment: [
            { name: "DB_PASSWORD", value: "hunter2" },
            { name: "UPSTREAM", value: "AKIAABCDEFGHIJKLMNOP" },
          ],
        }),
      ),
    },
    messages: [
      /^container "api": environment variable DB_PASSWORD looks like a secret$/,
      /^container "api": environment variable UPSTREAM holds a credential$/,
    ],
  },
  {
    policy: "ecs-task-role-separation",
    broken: "one role for task and execution",
    tweaks: { taskDefinition: (a) => ({ ...a, executionRoleArn: a.taskRoleArn }) },
    messages: [/^taskRoleArn and executionRoleArn are the same role$/],
  },
  {
    policy: "ecs-task-role-separation",
    broken: "no execution role",
    tweaks: { taskDefinition: (a) => ({ ...a, executionRoleArn: undefined }) },
    messages: [/^executionRoleArn is not set$/],
  },
  {
    policy: "ecs-task-dynamic-host-ports",
    broken: "a fixed host port",
    tweaks: {
      taskDefinition: withContainer((c) =>
        Object.assign(c, { portMappings: [{ containerPort: 8080, hostPort: 8080 }] }),
      ),
    },
    messages: [/^container "api": containerPort 8080 is bound to host port 8080$/],
  },
  {
    policy: "ecs-service-circuit-breaker",
    broken: "a circuit breaker without rollback",
    tweaks: { service: (a) => ({ ...a, deploymentCircuitBreaker: { enable: true, rollback: false } }) },
    messages: [/^deploymentCircuitBreaker must have enable and rollback set to true$/],
  },
  {
    policy: "ecs-service-alarm-rollback-prod",
    broken: "a rolling prod service without alarms",
    stack: "prod",
    tweaks: { service: (a) => ({ ...a, alarms: undefined }) },
    messages: [
      /^alarms must name at least one alarm, with enable and rollback set to true, in a production stack$/,
    ],
  },
  {
    policy: "ecs-service-alarm-rollback-prod",
    broken: "alarms that do not roll back in prod",
    stack: "prod",
    tweaks: { service: (a) => ({ ...a, alarms: { alarmNames: ["x"], enable: true, rollback: false } }) },
    messages: [
      /^alarms must name at least one alarm, with enable and rollback set to true, in a production stack$/,
    ],
  },
  {
    policy: "ecs-service-capacity-provider",
    broken: "a launch type instead of a capacity provider",
    tweaks: { service: (a) => ({ ...a, launchType: "EC2", capacityProviderStrategies: undefined }) },
    messages: [/^launchType "EC2" bypasses the capacity provider$/, /^no capacityProviderStrategies$/],
  },
  {
    policy: "ecs-service-no-public-ip",
    broken: "public IPs on tasks",
    tweaks: {
      service: (a) => ({ ...a, networkConfiguration: { subnets: ["subnet-a"], assignPublicIp: true } }),
    },
    messages: [/^networkConfiguration\.assignPublicIp is true$/],
  },
  // Registry
  {
    policy: "ecr-scan-on-push",
    broken: "no scan on push",
    tweaks: { repository: (a) => ({ ...a, imageScanningConfiguration: { scanOnPush: false } }) },
    messages: [/^imageScanningConfiguration\.scanOnPush is not true$/],
  },
  {
    policy: "ecr-immutable-tags",
    broken: "mutable tags",
    tweaks: { repository: (a) => ({ ...a, imageTagMutability: undefined }) },
    messages: [/^imageTagMutability is "MUTABLE", not "IMMUTABLE"$/],
  },
  {
    policy: "ecr-lifecycle-policy",
    broken: "no lifecycle policy",
    tweaks: { lifecyclePolicy: () => null },
    messages: [/^fx-repository: no lifecycle policy$/],
  },
  // Buckets
  {
    policy: "s3-public-access-block",
    broken: "no public access block",
    tweaks: { docsPublicAccess: () => null },
    messages: [/^fx-docs: no public access block$/],
  },
  {
    policy: "s3-public-access-block",
    broken: "a public access block with a flag off",
    tweaks: { docsPublicAccess: (a) => ({ ...a, restrictPublicBuckets: false }) },
    messages: [/^fx-docs: public access block leaves restrictPublicBuckets off$/],
  },
  {
    policy: "s3-no-public-grants",
    broken: "a public-read ACL and a policy statement allowing anyone",
    tweaks: { docs: (a) => ({ ...a, acl: "public-read" }) },
    extra: (b, opts) => {
      const bucket = b.docs as aws.s3.Bucket;
      const publicRead = (arn: string) => ({
        Sid: "PublicRead",
        Effect: "Allow",
        Principal: "*",
        Action: "s3:GetObject",
        Resource: `${arn}/*`,
      });
      new aws.s3.BucketPolicy(
        "public-read",
        { bucket: bucket.id, policy: bucket.arn.apply((arn) => tlsOnlyPolicy(arn, [publicRead(arn)])) },
        opts,
      );
    },
    messages: [
      /^fx-docs: canned ACL "public-read" is public$/,
      /^fx-docs: policy statement PublicRead allows anyone$/,
    ],
  },
  {
    policy: "s3-encryption",
    broken: "no default encryption",
    tweaks: { docsEncryption: () => null },
    messages: [/^fx-docs: no default server-side encryption configuration$/],
  },
  {
    policy: "s3-versioning",
    broken: "suspended versioning",
    tweaks: { docsVersioning: (a) => ({ ...a, versioningConfiguration: { status: "Suspended" } }) },
    messages: [/^fx-docs: versioning is not enabled$/],
  },
  {
    policy: "s3-tls-only",
    broken: "no bucket policy",
    tweaks: { docsPolicy: () => null },
    messages: [/^fx-docs: no policy statement denies requests without TLS$/],
  },
  {
    policy: "s3-tls-only",
    broken: "a TLS denial that leaves the objects out",
    tweaks: { docsPolicy: () => null },
    extra: (b, opts) => {
      const bucket = b.docs as aws.s3.Bucket;
      const bucketOnly = (arn: string) =>
        document({
          Effect: "Deny",
          Principal: { AWS: "*" },
          Action: "*",
          Resource: arn,
          Condition: { Bool: { "aws:SecureTransport": false } },
        });
      new aws.s3.BucketPolicy(
        "bucket-only",
        { bucket: bucket.id, policy: bucket.arn.apply(bucketOnly) },
        opts,
      );
    },
    messages: [/^fx-docs: the TLS-only denial does not cover arn:aws:s3:::fx-docs-[0-9a-f]+\/\*$/],
  },
  {
    policy: "s3-bucket-owner-enforced",
    broken: "object writer ownership",
    tweaks: { docsOwnership: (a) => ({ ...a, rule: { objectOwnership: "ObjectWriter" } }) },
    messages: [/^fx-docs: object ownership is not BucketOwnerEnforced$/],
  },
  {
    policy: "s3-server-access-logs-prod",
    broken: "a production bucket whose access logs describe another bucket",
    stack: "prod",
    tweaks: { docsLogging: (a) => ({ ...a, bucket: "some-other-bucket" }) },
    messages: [/^fx-docs: S3 server access logging is not enabled in a production stack$/],
  },
  // IAM
  {
    policy: "iam-no-wildcard-actions",
    broken: "a whole service allowed",
    tweaks: {
      taskRolePolicy: (a) => ({
        ...a,
        policy: document({ Sid: "All", Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::docs/*" }),
      }),
    },
    messages: [/^policy statement All allows "s3:\*"$/],
  },
  {
    policy: "iam-no-wildcard-actions",
    broken: "AdministratorAccess attached",
    tweaks: {
      instanceRolePolicy: (a) => ({ ...a, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }),
    },
    messages: [/^attaches the broad managed policy AdministratorAccess$/],
  },
  {
    policy: "iam-no-wildcard-actions",
    broken: "NotAction in an inline role policy",
    tweaks: {
      executionRole: (a) => ({
        ...a,
        inlinePolicies: [
          {
            name: "x",
            policy: document({
              Sid: "Not",
              Effect: "Allow",
              NotAction: "iam:*",
              Resource: "arn:aws:s3:::docs",
            }),
          },
        ],
      }),
    },
    messages: [/^inline policy x statement Not allows everything except NotAction$/],
  },
  {
    policy: "iam-no-wildcard-s3-resources",
    broken: "S3 reads on every bucket",
    tweaks: {
      taskRolePolicy: (a) => ({
        ...a,
        policy: document({ Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" }),
      }),
    },
    messages: [/^policy statement Read allows s3:GetObject on every resource$/],
  },
  {
    policy: "iam-trust-service-principal",
    broken: "a role anyone may assume",
    tweaks: {
      executionRole: () => ({
        assumeRolePolicy: document({
          Effect: "Allow",
          Principal: { AWS: "*", Service: "ecs-tasks.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
      }),
    },
    messages: [/^trust statement \(no Sid\) trusts AWS principals, not only a service$/],
  },
  {
    policy: "iam-trust-service-principal",
    broken: "a role two services may assume",
    tweaks: {
      taskRole: () => ({
        assumeRolePolicy: document({
          Effect: "Allow",
          Principal: { Service: ["ecs-tasks.amazonaws.com", "ec2.amazonaws.com"] },
          Action: "sts:AssumeRole",
        }),
      }),
    },
    messages: [/^the role is trusted by several services: ecs-tasks\.amazonaws\.com, ec2\.amazonaws\.com$/],
    alsoFails: ["iam-trust-matches-use"],
  },
  {
    policy: "iam-trust-matches-use",
    broken: "a task role trusted by EC2",
    tweaks: { taskRole: () => ({ assumeRolePolicy: trust("ec2.amazonaws.com") }) },
    messages: [
      /^fx-taskRole: used by fx-taskDefinition, so it must trust ecs-tasks\.amazonaws\.com only, but trusts ec2\.amazonaws\.com$/,
    ],
  },
  {
    policy: "iam-trust-matches-use",
    broken: "the instance role reused as a task role",
    extra: (b, opts) => {
      const roleArn = (key: string) => (b[key] as aws.iam.Role).arn;
      new aws.ecs.TaskDefinition(
        "reuse",
        {
          family: "reuse",
          taskRoleArn: roleArn("instanceRole"),
          executionRoleArn: roleArn("executionRole"),
          containerDefinitions: JSON.stringify([container()]),
        },
        opts,
      );
    },
    messages: [
      /^fx-instanceRole: used by ec2\.amazonaws\.com and ecs-tasks\.amazonaws\.com; give each service its own role$/,
    ],
  },
  // CloudWatch
  {
    policy: "cloudwatch-log-retention",
    broken: "logs kept forever",
    tweaks: { logGroup: (a) => ({ ...a, retentionInDays: undefined }) },
    messages: [/^retentionInDays is not set \(logs never expire\)$/],
  },
  {
    policy: "cloudwatch-alarm-actions",
    broken: "an alarm that tells nobody",
    tweaks: { alarm: (a) => ({ ...a, alarmActions: [], actionsEnabled: false }) },
    messages: [/^no alarmActions: the alarm would tell nobody$/, /^actionsEnabled is false$/],
  },
  // Tags
  {
    policy: "required-tags",
    broken: "a resource whose provider has no default tags",
    extra: (_b, opts) => {
      const bare = new aws.Provider("bare", { region: "eu-west-1" }, { parent: opts.parent });
      new aws.sns.Topic("untagged", {}, { parent: opts.parent, provider: bare });
    },
    messages: [/^missing tag "project"$/, /^missing tag "stack"$/],
  },
  {
    policy: "required-tags",
    broken: "another stack's tag",
    tweaks: { alarmTopic: (a) => ({ ...a, tags: { stack: "prod" } }) },
    messages: [/^tag "stack" is "prod" but the resource belongs to stack "test"$/],
  },
  {
    policy: "required-tags",
    broken: "an Auto Scaling group whose tags do not reach its instances",
    tweaks: {
      asg: (a) => ({ ...a, tags: [{ key: "project", value: "ecs-json-api", propagateAtLaunch: false }] }),
    },
    messages: [
      /^tag "project" does not propagate to launched instances$/,
      /^missing tag "stack" \(an Auto Scaling group gets no provider default tags\)$/,
    ],
  },
];

/** Runs the pack over the fixture built with `options`. */
async function check(options: FixtureOptions = {}): Promise<PolicyReport> {
  return checkStack(await evaluateFixture(options));
}

const describeViolations = (report: PolicyReport) =>
  report.violations.map((v) => `${v.policy} on ${v.resource?.name ?? "the stack"}: ${v.message}`);

describe("policy pack, on resources built for its tests", () => {
  const compliant: Record<string, PolicyReport> = {};

  for (const stack of ["test", "prod"]) {
    it(`passes every policy on the compliant fixture as the ${stack} stack`, async () => {
      compliant[stack] = await check({ stack });
      assert.deepEqual(describeViolations(compliant[stack]), []);
    });
  }

  it("actually checks something with every policy on the compliant fixtures", async () => {
    for (const stack of ["test", "prod"]) compliant[stack] ??= await check({ stack });
    const idle = policies
      .map((p) => p.name)
      .filter((name) => !compliant.test.evaluated[name] && !compliant.prod.evaluated[name]);
    assert.deepEqual(idle, []);
  });

  it("has a deliberately broken case for every policy", () => {
    const covered = new Set(CASES.map((c) => c.policy));
    assert.deepEqual(
      policies.map((p) => p.name).filter((name) => !covered.has(name)),
      [],
    );
  });

  for (const c of CASES) {
    it(`${c.policy} catches ${c.broken}`, async () => {
      const report = await check(c);
      const own = report.violations.filter((v) => v.policy === c.policy).map((v) => v.message);
      const unmatched = [...own];
      for (const pattern of c.messages) {
        const i = unmatched.findIndex((m) => pattern.test(m));
        assert.ok(i >= 0, `no ${c.policy} violation matches ${pattern}; got ${JSON.stringify(own)}`);
        unmatched.splice(i, 1);
      }
      assert.deepEqual(unmatched, [], "violations the case does not expect");
      const others = report.violations.filter(
        (v) => v.policy !== c.policy && !c.alsoFails?.includes(v.policy),
      );
      assert.deepEqual(describeViolations({ ...report, violations: others }), []);
    });
  }

  it("lets the load balancer serve plain HTTP while there is no certificate (documented exception)", async () => {
    const report = await check({
      tweaks: {
        httpsListener: () => null,
        httpListener: (a) => ({ ...a, defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }] }),
      },
    });
    assert.deepEqual(describeViolations(report), []);
  });

  it("holds only production stacks to access logs and deletion protection", async () => {
    const report = await check({
      tweaks: { alb: (a) => ({ ...a, enableDeletionProtection: false, accessLogs: undefined }) },
    });
    assert.deepEqual(describeViolations(report), []);
    const skipped = report.notApplicable
      .filter((n) => n.policy === "alb-access-logs-prod")
      .map((n) => n.reason);
    assert.ok(skipped.includes("not a production stack"));
  });

  it("reads production stacks from the prodStacks config", async () => {
    const evaluation = await evaluateFixture({ tweaks: { alb: (a) => ({ ...a, accessLogs: undefined }) } });
    const report = await checkStack(evaluation, {
      config: { "alb-access-logs-prod": { prodStacks: ["test"] } },
    });
    assert.deepEqual(
      report.violations.map((v) => `${v.policy}: ${v.message}`),
      ["alb-access-logs-prod: accessLogs are not enabled with a bucket in a production stack"],
    );
  });
});
