/**
 * The stack evaluation harness, and the smoke test of both committed stacks. Also the example of using it:
 * `evaluateStack(name)` for a whole stack in its own process, `runUnderMocks(fn)` for one component.
 */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EvaluationError, evaluateStack, runUnderMocks } from "../lib/harness";

describe("stack evaluation harness", () => {
  for (const stack of ["test", "prod"]) {
    it(`evaluates the committed ${stack} stack without error`, async () => {
      const evaluation = await evaluateStack(stack);
      assert.equal(evaluation.stack, stack);
      assert.equal(evaluation.outputs.stackName, stack);
      assert.ok(evaluation.resources.some((r) => r.type === "pulumi:pulumi:Stack"));
    });
  }

  it("isolates stacks: each evaluation sees only its own registrations", async () => {
    const [test, prod] = await Promise.all([evaluateStack("test"), evaluateStack("prod")]);
    assert.deepEqual(
      test.resourcesOfType("pulumi:pulumi:Stack").map((r) => r.name),
      ["ecs-json-api-test"],
    );
    assert.deepEqual(
      prod.resourcesOfType("pulumi:pulumi:Stack").map((r) => r.name),
      ["ecs-json-api-prod"],
    );
  });

  it("fails with the program's own message when a stack's config is bad", async () => {
    await assert.rejects(
      evaluateStack("prod", { overrides: { "ecs-json-api:maxTasks": "2" } }),
      (err: Error) => {
        assert.ok(err instanceof EvaluationError);
        assert.match(err.message, /prod: ecs-json-api:maxTasks = 2 is below ecs-json-api:minTasks = 3/);
        assert.match(err.message, /prod: ecs-json-api:desiredTasks = 3 is above ecs-json-api:maxTasks = 2/);
        return true;
      },
    );
  });

  describe("in-process runs of a single component", () => {
    class Pair extends pulumi.ComponentResource {
      readonly bucketName: pulumi.Output<string>;
      constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("ecs-json-api:test:Pair", name, {}, opts);
        const bucket = new aws.s3.Bucket(`${name}-bucket`, {}, { parent: this, retainOnDelete: true });
        new aws.s3.BucketVersioning(
          `${name}-versioning`,
          { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
          { parent: this, dependsOn: [bucket] },
        );
        this.bucketName = bucket.bucket;
        this.registerOutputs({ bucketName: this.bucketName });
      }
    }

    it("records type, name, parent, inputs, outputs and options of every resource", async () => {
      const evaluation = await runUnderMocks(() => {
        const pair = new Pair("p");
        return { bucket: pair.bucketName };
      });
      const versioning = evaluation.one("aws:s3/bucketVersioning:BucketVersioning");
      assert.deepEqual(versioning.parent, { type: "ecs-json-api:test:Pair", name: "p" });
      assert.deepEqual(versioning.options.dependsOn, ["p-bucket"]);
      const bucket = evaluation.one("aws:s3/bucket:Bucket");
      assert.equal(bucket.options.retainOnDelete, true);
      assert.equal(versioning.inputs.bucket, bucket.state.id);
      assert.equal(evaluation.outputs.bucket, bucket.state.bucket);
      assert.deepEqual(
        evaluation.childrenOf(evaluation.named("p")).map((r) => r.name),
        ["p-bucket", "p-versioning"],
      );
    });

    it("unwraps secret inputs", async () => {
      const evaluation = await runUnderMocks(() => {
        new aws.ssm.Parameter("param", { type: "SecureString", value: pulumi.secret("s3cr3t") });
      });
      assert.equal(evaluation.one("aws:ssm/parameter:Parameter").inputs.value, "s3cr3t");
    });

    it("fails loudly on an invoke the mock cloud does not know", async () => {
      await assert.rejects(
        runUnderMocks(async () => aws.ec2.getVpc({ default: true })),
        /mock cloud: no answer for invoke aws:ec2\/getVpc:getVpc/,
      );
    });

    it("surfaces an error thrown inside an apply callback", async () => {
      await assert.rejects(
        runUnderMocks(() => {
          const bucket = new aws.s3.Bucket("b");
          bucket.arn.apply((arn) => {
            throw new Error(`bad arn ${arn}`);
          });
        }),
        /bad arn arn:aws:s3:::b-/,
      );
    });

    it("answers the invokes the program relies on", async () => {
      const evaluation = await runUnderMocks(async () => {
        const identity = await aws.getCallerIdentity();
        const ami = await aws.ssm.getParameter({
          name: "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
        });
        return { account: identity.accountId, ami: ami.value };
      });
      assert.equal(evaluation.outputs.account, "123456789012");
      assert.match(evaluation.outputs.ami, /^ami-[0-9a-f]{17}$/);
      assert.deepEqual(
        evaluation.invokes.map((i) => i.token),
        ["aws:index/getCallerIdentity:getCallerIdentity", "aws:ssm/getParameter:getParameter"],
      );
    });
  });
});
