/**
 * The in-repo policy runner hands policies what the Pulumi engine would: URNs with the parent type chain, the
 * explicit provider, inputs for resource policies and outputs for stack policies, property dependencies,
 * `tagsAll`, and the engine's handling of notApplicable, enforcement levels, config and errors.
 */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as policySdk from "@pulumi/policy";
import {
  type Policies,
  type PolicyResource,
  type ResourceValidationArgs,
  validateResourceOfType,
  validateStackResourcesOfType,
} from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import { type Evaluation, runUnderMocks } from "../lib/harness";
import { engineView, runPolicies } from "../lib/policy";
import { requiredTags, tagSupport } from "../policy/tagging";

class Pair extends pulumi.ComponentResource {
  constructor(name: string) {
    super("ecs-json-api:test:Pair", name, {}, {});
    const provider = new aws.Provider(
      `${name}-aws`,
      {
        region: "eu-west-1",
        defaultTags: { tags: { project: "ecs-json-api", stack: "test", component: "Pair" } },
      },
      { parent: this },
    );
    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { tags: { component: "Own" } },
      { parent: this, provider },
    );
    new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      { parent: this, provider, dependsOn: [bucket], protect: true },
    );
    this.registerOutputs({});
  }
}

const BUCKET_URN = "urn:pulumi:test::ecs-json-api::ecs-json-api:test:Pair$aws:s3/bucket:Bucket::p-bucket";
const VERSIONING_URN =
  "urn:pulumi:test::ecs-json-api::ecs-json-api:test:Pair$aws:s3/bucketVersioning:BucketVersioning::p-versioning";

describe("policy runner", () => {
  let evaluation: Evaluation;
  before(async () => {
    evaluation = await runUnderMocks(() => new Pair("p"));
  });

  describe("the engine's view of a mock evaluation", () => {
    it("builds URNs from stack, project, parent type chain and name", () => {
      const urns = engineView(evaluation).map((r) => r.urn);
      assert.ok(urns.includes("urn:pulumi:test::ecs-json-api::pulumi:pulumi:Stack::ecs-json-api-test"));
      assert.ok(urns.includes("urn:pulumi:test::ecs-json-api::ecs-json-api:test:Pair::p"));
      assert.ok(urns.includes(BUCKET_URN));
    });

    it("names the explicit provider by the URN the program registered it under", () => {
      const bucket = engineView(evaluation).find((r) => r.urn === BUCKET_URN);
      assert.equal(bucket?.provider?.type, "pulumi:providers:aws");
      assert.ok(bucket?.recorded.provider?.startsWith(`${bucket.provider?.urn}::`));
      assert.equal(
        bucket?.provider?.props.defaultTags,
        JSON.stringify({ tags: { project: "ecs-json-api", stack: "test", component: "Pair" } }),
      );
    });

    it("infers which resource each input was computed from, and keeps explicit dependsOn", () => {
      const versioning = engineView(evaluation).find((r) => r.urn === VERSIONING_URN);
      assert.deepEqual(versioning?.propertyDependencies, { bucket: [BUCKET_URN] });
      assert.deepEqual(versioning?.dependencies, [BUCKET_URN]);
      assert.equal(versioning?.protect, true);
    });

    it("computes tagsAll for taggable types from the provider's default tags and the resource's own", () => {
      const view = engineView(evaluation);
      const bucket = view.find((r) => r.urn === BUCKET_URN);
      const expected = { project: "ecs-json-api", stack: "test", component: "Own" };
      assert.deepEqual(bucket?.inputs.tagsAll, expected);
      assert.deepEqual(bucket?.outputs.tagsAll, expected);
      assert.equal(view.find((r) => r.urn === VERSIONING_URN)?.inputs.tagsAll, undefined);
    });

    it("reads taggability from each type's input schema in @pulumi/aws", () => {
      assert.equal(tagSupport("aws:s3/bucket:Bucket"), "map");
      assert.equal(tagSupport("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"), "map");
      assert.equal(tagSupport("aws:autoscaling/group:Group"), "list");
      assert.equal(tagSupport("aws:iam/rolePolicy:RolePolicy"), "none");
      assert.equal(tagSupport("aws:s3/bucketVersioning:BucketVersioning"), "none");
      assert.equal(tagSupport("ecs-json-api:network:Network"), "none");
      assert.equal(tagSupport("aws:nosuch/thing:Thing"), "unknown");
    });
  });

  describe("running policies", () => {
    it("gives resource policies the engine's arguments and records notApplicable for other types", async () => {
      const seen: ResourceValidationArgs[] = [];
      const policies: Policies = [
        {
          name: "bucket-args",
          description: "records its arguments",
          enforcementLevel: "mandatory",
          validateResource: validateResourceOfType(aws.s3.Bucket, (_props, args) => {
            seen.push(args);
          }),
        },
      ];
      const report = await runPolicies(policies, evaluation);
      assert.equal(seen.length, 1);
      const [args] = seen;
      assert.equal(args.type, "aws:s3/bucket:Bucket");
      assert.equal(args.name, "p-bucket");
      assert.equal(args.urn, BUCKET_URN);
      assert.equal(args.opts.parent, "urn:pulumi:test::ecs-json-api::ecs-json-api:test:Pair::p");
      assert.equal(args.opts.protect, false);
      // The engine hands props over from another realm (their prototype is not this realm's Object.prototype).
      assert.deepStrictEqual({ ...args.props.tags }, { component: "Own" });
      assert.equal(args.isType(aws.s3.Bucket), true);
      assert.equal(args.isType(aws.s3.BucketVersioning), false);
      assert.deepEqual(args.asType(aws.s3.BucketVersioning), undefined);
      assert.equal(args.provider?.name, "p-aws");
      assert.deepEqual(report.evaluated, { "bucket-args": 1 });
      assert.ok(
        report.notApplicable.some(
          (n) =>
            n.urn === VERSIONING_URN &&
            n.reason === "Policy only applies to resources of type 'aws:s3/bucket:Bucket'",
        ),
      );
    });

    it("gives stack policies outputs, parents and dependencies as resource objects", async () => {
      let resources: PolicyResource[] = [];
      const policies: Policies = [
        {
          name: "stack-args",
          description: "records the resources",
          enforcementLevel: "mandatory",
          validateStack: (args) => {
            resources = args.resources;
          },
        },
      ];
      await runPolicies(policies, evaluation);
      const bucket = resources.find((r) => r.urn === BUCKET_URN);
      const versioning = resources.find((r) => r.urn === VERSIONING_URN);
      assert.match(String(bucket?.props.arn), /^arn:aws:s3:::p-bucket-[0-9a-f]+$/);
      assert.equal(versioning?.props.id, "p-versioning-id");
      assert.equal(versioning?.props.bucket, bucket?.props.id);
      assert.equal(versioning?.parent?.type, "ecs-json-api:test:Pair");
      assert.deepEqual(versioning?.dependencies, [bucket]);
      assert.deepEqual(versioning?.propertyDependencies.bucket, [bucket]);
    });

    it("reports a stack policy's violations against the resource it names, or the stack", async () => {
      const policies: Policies = [
        {
          name: "buckets-counted",
          description: "complains about every bucket",
          enforcementLevel: "mandatory",
          validateStack: validateStackResourcesOfType(aws.s3.Bucket, (buckets, args, report) => {
            report(`${buckets.length} bucket(s)`);
            report("this one", args.resources[0].urn);
          }),
        },
      ];
      const report = await runPolicies(policies, evaluation);
      assert.deepEqual(report.violations, [
        { policy: "buckets-counted", enforcementLevel: "mandatory", message: "1 bucket(s)" },
        {
          policy: "buckets-counted",
          enforcementLevel: "mandatory",
          message: "this one",
          urn: BUCKET_URN,
          resource: { type: "aws:s3/bucket:Bucket", name: "p-bucket" },
        },
      ]);
    });

    it("applies enforcement levels and config the way the analyzer does", async () => {
      const configs: object[] = [];
      const policy = (name: string, enforcementLevel?: "advisory" | "remediate") => ({
        name,
        description: name,
        enforcementLevel,
        configSchema: { properties: { limit: { type: "number" as const, default: 3 } } },
        validateResource: validateResourceOfType(aws.s3.Bucket, (_p, args, report) => {
          configs.push(args.getConfig());
          report(name);
        }),
      });
      const report = await runPolicies(
        [
          policy("off"),
          policy("default"),
          policy("remediating", "remediate"),
          policy("configured", "advisory"),
        ],
        evaluation,
        { config: { off: "disabled", configured: { enforcementLevel: "mandatory", limit: 5 } } },
      );
      assert.deepEqual(
        report.violations.map((v) => [v.policy, v.enforcementLevel]),
        [
          ["default", "advisory"],
          ["remediating", "mandatory"],
          ["configured", "mandatory"],
        ],
      );
      assert.deepEqual(configs, [{ limit: 3 }, { limit: 3 }, { limit: 5 }]);
    });

    it("hands every validation a fresh copy, so one policy cannot change what the next one sees", async () => {
      const tags: unknown[] = [];
      const mutate = (args: ResourceValidationArgs) => {
        tags.push({ ...args.props.tags });
        args.props.tags.component = "Changed";
      };
      await runPolicies(
        [
          {
            name: "a",
            description: "a",
            validateResource: validateResourceOfType(aws.s3.Bucket, (_p, args) => mutate(args)),
          },
          {
            name: "b",
            description: "b",
            validateResource: validateResourceOfType(aws.s3.Bucket, (_p, args) => mutate(args)),
          },
        ],
        evaluation,
      );
      assert.deepEqual(tags, [{ component: "Own" }, { component: "Own" }]);
    });

    it("checks tags from the provider's defaults while tagsAll is still unknown (pulumi preview)", async () => {
      // The engine's proxy throws on values unknown until the update; these sentinels are how it marks them.
      const UNKNOWN_OBJECT = "dd056dcd-154b-4c76-9bd3-c8f88648b5ff";
      const proxy = (policySdk as unknown as { unknownCheckingProxy<T>(v: T): T }).unknownCheckingProxy;
      const messages: string[] = [];
      const validate = requiredTags.validateResource as (a: unknown, r: (m: string) => void) => void;
      const run = (defaultTags: string) =>
        validate(
          {
            type: "aws:sns/topic:Topic",
            urn: "urn:pulumi:test::ecs-json-api::aws:sns/topic:Topic::t",
            name: "t",
            props: proxy({ tagsAll: UNKNOWN_OBJECT, tags: UNKNOWN_OBJECT }),
            provider: { type: "pulumi:providers:aws", urn: "p", name: "p", props: { defaultTags } },
            getConfig: () => ({}),
            notApplicable: () => {
              throw new Error("not applicable");
            },
          },
          (m) => messages.push(m),
        );
      run(JSON.stringify({ tags: { project: "ecs-json-api", stack: "test" } }));
      assert.deepEqual(messages, []);
      run(JSON.stringify({ tags: { project: "ecs-json-api" } }));
      assert.deepEqual(messages, ['missing tag "stack"']);
    });

    it("fails the run with the policy's name when a policy throws", async () => {
      const policies: Policies = [
        {
          name: "broken",
          description: "throws",
          validateResource: validateResourceOfType(aws.s3.Bucket, () => {
            throw new Error("kaput");
          }),
        },
      ];
      await assert.rejects(runPolicies(policies, evaluation), {
        message: "policy broken failed on aws:s3/bucket:Bucket p-bucket: kaput",
      });
    });
  });
});
