/**
 * "Nothing a user sees changes": what both committed stacks ask AWS to create, compared with the snapshot taken
 * before the components became a library (tests/fixtures/before-library, written by
 * scripts/resource-snapshot.ts). Every difference is one this work made on purpose, listed below with its
 * reason: resources that moved to a new owner (and so a new logical name), ones added or removed, and inputs
 * that changed. Anything else that differs fails here.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { evaluateStack, PROJECT_ROOT } from "../lib/harness";
import { normalisedResources, type SnapshotResource } from "../lib/harness/snapshot";

/** Children of the old LoadBalancedService that the shared LoadBalancer owns now. */
const LOAD_BALANCER_CHILDREN =
  /^(alb|alb-sg|alb-in-.+|alb-out-to-instances|instances-in-from-alb|http|https|http-redirect|alias-a|certificate.*|access-logs.*|alb-5xx|aws)$/;

/** The logical name a resource of the old program has now, or the same name. */
function renamed(type: string, name: string, stack: string): string {
  const svc = new RegExp(`^api-${stack}-svc-(.+)$`).exec(name);
  if (svc) {
    const rest = svc[1];
    if (rest === "alarms") return `api-${stack}-monitoring-alarms`; // the topic: Monitoring owns it
    if (rest === "dashboard") return `api-${stack}-dashboard`; // one dashboard per stack, every service on it
    if (rest === "task-bucket-read") return `api-${stack}-api-task-policy`; // any service's task policy
    if (LOAD_BALANCER_CHILDREN.test(rest) && !(rest === "aws" && type === "pulumi:providers:aws-service"))
      return rest === "aws" ? `api-${stack}-api-aws` : `api-${stack}-lb-${rest}`;
    return `api-${stack}-api-${rest}`; // the API is one service among others, named after it
  }
  if (name === `api-${stack}-docs-public-access-block`) return `api-${stack}-docs-public-access`; // one bucket helper
  if (name === `api-${stack}-registry-image`) return `api-${stack}-registry-image-api`; // one image per service
  return name;
}

/** Resources the old program made that are gone, and why. */
const REMOVED: { type: string; stacks: string[]; why: string }[] = [
  {
    type: "aws:ecr/repository:Repository",
    stacks: ["test", "prod"],
    why: "the image repository moved out of the environments into the bootstrap's shared, retained repository",
  },
  {
    type: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    stacks: ["test", "prod"],
    why: "the shared repository's lifecycle is the bootstrap's",
  },
  {
    type: "aws:route53/zone:Zone",
    stacks: ["test", "prod"],
    why: "the private zone held no record and nothing used it; services meet through the load balancer",
  },
  {
    type: "docker:index/image:Image",
    stacks: ["prod"],
    why: "prod builds nothing: it deploys the images promoted from test, or the ones it recorded",
  },
];
const removed = (type: string, stack: string) =>
  REMOVED.some((r) => r.type === type && r.stacks.includes(stack));

/** Resources the program makes now that the old one did not, and why. */
const ADDED: { type: string; name: RegExp; why: string }[] = [
  {
    type: "aws:lb/listenerRule:ListenerRule",
    name: /-api-rule$/,
    why: "each service adds its rule to the shared listener",
  },
  {
    type: "aws:appautoscaling/policy:Policy",
    name: /-api-scale-on-memory$/,
    why: "tasks scale on memory too",
  },
  {
    type: "aws:ssm/parameter:Parameter",
    name: /-registry-release-api$/,
    why: "the deployed image is recorded for previews, operators and rollbacks",
  },
  {
    type: "pulumi:providers:aws",
    name: /-(lb|monitoring|dashboard)-aws$/,
    why: "the new components each tag their children with their own name",
  },
  {
    type: "aws:s3/bucket:Bucket",
    name: /-docs-access-logs$/,
    why: "S3 server access logging of the documents bucket (prod)",
  },
  {
    type: "aws:s3/bucketLogging:BucketLogging",
    name: /-docs-server-access-logs$/,
    why: "S3 server access logging of the documents bucket (prod)",
  },
  {
    type: "*",
    name: /-docs-access-logs-(public-access|ownership|encryption|versioning|lifecycle|policy)$/,
    why: "the access-log bucket's hardening, by the shared bucket helper",
  },
  {
    type: "*",
    name: /-(api-tg-alt|api-test-rule|lb-test|lb-alb-in-test|lb-ecs-infrastructure-(role|policy))$/,
    why: "managed deployments: the new revision's target group, test traffic's listener and rule, ECS's role to shift traffic",
  },
  {
    type: "*",
    name: /-hook-(aws|logs|sg|https|to-test-listener|role|write-logs|vpc-access|function|invoke-role|invoke)$/,
    why: "the pre-traffic smoke test: its function, network, logs and roles",
  },
  {
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    name: /-api-release-(5xx-rate|latency)$/,
    why: "the alarms ECS rolls a bad release back on",
  },
];

/** Target-group metrics of an alarm: one metric, or math over both target groups of a managed deployment. */
const TARGET_GROUP_METRIC = [
  "namespace",
  "metricName",
  "dimensions",
  "statistic",
  "extendedStatistic",
  "period",
  "evaluateLowSampleCountPercentiles",
  "metricQueries",
];

/** Inputs that changed on purpose on some resources only: the resources, the inputs, and why. */
const CHANGED_ON: { type: string; name: RegExp; inputs: string[]; why: string }[] = [
  {
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    name: /-api-(target-5xx|unhealthy-hosts|p99-latency)$/,
    inputs: TARGET_GROUP_METRIC,
    why: "a managed deployment's traffic moves between two target groups; the alarms watch both",
  },
  {
    type: "aws:appautoscaling/policy:Policy",
    name: /-api-scale-on-requests$/,
    inputs: ["targetTrackingScalingPolicyConfiguration"],
    why: "requests per task across both target groups of a managed deployment",
  },
  {
    type: "aws:autoscaling/group:Group",
    name: /^api-prod-cluster-asg$/,
    inputs: ["maxSize"],
    why: "a canary at full scale runs both revisions: 24 API tasks fill 6 instances, 8 leave room",
  },
];

/** Inputs that changed on purpose, by resource type: the input and why. */
const CHANGED_INPUTS: Record<string, Record<string, string>> = {
  "aws:ecs/service:Service": {
    deploymentConfiguration: "test deploys blue-green, prod canary, with the smoke-test hook",
    alarms: "a bad release is rolled back on its 5xx rate and p99 latency",
    loadBalancers: "the alternate target group, both listener rules and ECS's infrastructure role",
  },
  "aws:iam/role:Role": {
    permissionsBoundary: "every role carries the bootstrap's workload boundary",
    description: "the roles describe the service they serve",
  },
  "aws:lb/listener:Listener": {
    defaultActions: "the shared listener answers unrouted requests with a JSON 404; each service has a rule",
  },
  "aws:ecs/taskDefinition:TaskDefinition": {
    family: "named after the service component",
    containerDefinitions: "the image comes from the shared repository",
  },
  "aws:iam/rolePolicy:RolePolicy": {
    policy:
      "pull from the shared repository; ListBucket without an s3:prefix condition (a missing key is a 404)",
  },
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
    rules: "one bucket helper refuses SSE-C uploads on every bucket",
  },
  "aws:cloudwatch/dashboard:Dashboard": {
    dashboardName: "one dashboard per stack",
    dashboardBody: "a row per service, the load balancer and instances on top",
  },
  "aws:sns/topic:Topic": { displayName: "named after the project" },
  "aws:ec2/securityGroup:SecurityGroup": { description: "the ALB is shared by the services" },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
    description: "the ALB is shared by the services",
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {},
  "docker:index/image:Image": {
    imageName: "the shared repository, tagged <service>-<hash>",
    registry: "the push uses the Docker engine's login: no registry token in the stack's state",
  },
  "aws:lb/targetGroup:TargetGroup": {
    port: "one constant port (ECS registers each task's host port): a new container port replaces no group",
  },
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
    rules: "one bucket helper writes every bucket's lifecycle rules",
  },
};

const hash = (s: string, n: number) => createHash("sha256").update(s).digest("hex").slice(0, n);

/**
 * The inputs of every resource with references to other resources made comparable: the mock cloud derives
 * ids, ARNs and physical names from logical names, so a reference to a renamed resource reads differently
 * though it points at the same thing. Each becomes `<ref name>`, `name` being the resource's current logical
 * name; JSON documents are compared by content, statements by Sid.
 */
function comparable(resources: SnapshotResource[], current: (name: string) => string): Map<string, string> {
  const replacements: [string, string][] = [];
  for (const r of resources) {
    const ref = `<ref ${current(r.name)}>`;
    for (const form of [
      `${r.name}/${hash(r.name, 16)}`,
      `${r.name}-${hash(r.name, 8)}`,
      `${r.name}-${hash(r.name, 7)}`,
      `sg-${hash(r.name, 8)}`,
      `/${r.name}"`,
    ]) {
      replacements.push([form, form.endsWith('"') ? `/${ref}"` : ref]);
    }
  }
  const canonical = (value: unknown): unknown => {
    if (typeof value === "string" && /^[[{]/.test(value)) {
      try {
        return canonical(JSON.parse(value));
      } catch {
        return value;
      }
    }
    if (Array.isArray(value)) {
      const items = value.map(canonical);
      return items.every((i) => i && typeof i === "object" && "Sid" in (i as object))
        ? [...items].sort((a, b) =>
            String((a as { Sid: string }).Sid).localeCompare((b as { Sid: string }).Sid),
          )
        : items;
    }
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  const out = new Map<string, string>();
  for (const r of resources) {
    for (const [input, value] of Object.entries(r.inputs)) {
      let text = JSON.stringify(canonical(value));
      for (const [from, to] of replacements) text = text.split(from).join(to);
      out.set(`${r.type} ${current(r.name)}.${input}`, text);
    }
  }
  return out;
}

function snapshot(stack: string): SnapshotResource[] {
  return JSON.parse(
    readFileSync(path.join(PROJECT_ROOT, "tests", "fixtures", "before-library", `${stack}.json`), "utf8"),
  );
}

for (const stack of ["test", "prod"]) {
  describe(`what the ${stack} stack asks AWS to create, against the program before the library`, () => {
    let previous: SnapshotResource[];
    let now: SnapshotResource[];
    const key = (type: string, name: string) => `${type} ${name}`;
    before(async () => {
      previous = snapshot(stack);
      now = normalisedResources(await evaluateStack(stack), PROJECT_ROOT);
    });

    it("keeps every resource, under its new owner's name, unless the list says why it went", () => {
      const present = new Set(now.map((r) => key(r.type, r.name)));
      const missing = previous
        .filter((r) => !removed(r.type, stack))
        .map((r) => key(r.type, renamed(r.type, r.name, stack)))
        .filter((k) => !present.has(k));
      assert.deepEqual(missing, []);
    });

    it("adds only the resources the list names", () => {
      const kept = new Set(previous.map((r) => key(r.type, renamed(r.type, r.name, stack))));
      const unexplained = now
        .filter((r) => !kept.has(key(r.type, r.name)))
        .filter((r) => !ADDED.some((a) => (a.type === "*" || a.type === r.type) && a.name.test(r.name)))
        .map((r) => key(r.type, r.name));
      assert.deepEqual(unexplained, []);
    });

    it("changes only the inputs the list names", () => {
      const was = comparable(previous, (n) => renamed("", n, stack));
      const is = comparable(now, (n) => n);
      const unexplained: string[] = [];
      for (const k of new Set([...was.keys(), ...is.keys()])) {
        const [type, path] = [k.slice(0, k.indexOf(" ")), k.slice(k.indexOf(" ") + 1)];
        const input = path.slice(path.lastIndexOf(".") + 1);
        const name = path.slice(0, path.lastIndexOf("."));
        if (removed(type, stack) || !now.some((r) => r.type === type && r.name === name)) continue;
        if (!previous.some((r) => r.type === type && renamed(type, r.name, stack) === name)) continue;
        if (Object.hasOwn(CHANGED_INPUTS[type] ?? {}, input)) continue;
        if (CHANGED_ON.some((c) => c.type === type && c.name.test(name) && c.inputs.includes(input)))
          continue;
        if (was.get(k) !== is.get(k)) unexplained.push(`${k}: ${was.get(k)} -> ${is.get(k)}`);
      }
      assert.deepEqual(unexplained, []);
    });
  });
}
