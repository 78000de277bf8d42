/** The ALB's access-log bucket: who may write to it (pure), and how it is made (under mocks). */
import * as assert from "node:assert/strict";
import type * as aws from "@pulumi/aws";
import { createAccessLogBucket, elbLogDeliveryStatement } from "../../components/albAccessLogs";
import { ACCOUNT_ID, type Evaluation, runUnderMocks } from "../../lib/harness";

const BUCKET = "aws:s3/bucket:Bucket";

/** Evaluates the bucket; outputs the names of the resources it returned as `ready`. */
function evaluate(deletionProtection: boolean): Promise<Evaluation> {
  return runUnderMocks(() => {
    const logs = createAccessLogBucket(
      "web",
      { accountId: ACCOUNT_ID, expirationDays: 30, deletionProtection },
      {},
    );
    return { ready: logs.ready.map((r) => (r as unknown as { __name: string }).__name) };
  });
}

describe("elbLogDeliveryStatement", () => {
  const statement = elbLogDeliveryStatement("arn:aws:s3:::logs", ACCOUNT_ID);

  it("lets only the ELB log delivery service write, and only objects", () => {
    assert.equal(statement.Effect, "Allow");
    assert.deepEqual(statement.Principal, { Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
    assert.equal(statement.Action, "s3:PutObject");
  });

  it("confines writes to this account's prefix, where ELB writes this account's load balancers' logs", () => {
    assert.equal(statement.Resource, `arn:aws:s3:::logs/AWSLogs/${ACCOUNT_ID}/*`);
    assert.notEqual(
      elbLogDeliveryStatement("arn:aws:s3:::logs", "210987654321").Resource,
      statement.Resource,
    );
  });
});

describe("createAccessLogBucket", () => {
  let unprotected: Evaluation;
  let protectedLogs: Evaluation;
  before(async () => {
    unprotected = await evaluate(false);
    protectedLogs = await evaluate(true);
  });

  it("encrypts with S3-managed keys, the only encryption ALB log delivery supports", () => {
    const sse = unprotected.one(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    );
    assert.deepEqual(
      sse.inputs.rules.map((r: any) => r.applyServerSideEncryptionByDefault),
      [{ sseAlgorithm: "AES256" }],
    );
  });

  it("allows only ELB log delivery to write, and nothing without TLS", () => {
    const bucket = unprotected.one(BUCKET).state;
    const policy: aws.iam.PolicyDocument = JSON.parse(
      unprotected.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy,
    );
    const statements = policy.Statement as aws.iam.PolicyStatement[];
    const allows = statements.filter((s) => s.Effect === "Allow");
    assert.deepEqual(allows, [elbLogDeliveryStatement(bucket.arn, ACCOUNT_ID)]);
    const deny = statements.find((s) => s.Effect === "Deny");
    assert.deepEqual(deny?.Condition, { Bool: { "aws:SecureTransport": "false" } });
    assert.deepEqual(deny?.Resource, [bucket.arn, `${bucket.arn}/*`]);
  });

  it("is private and owner-enforced, so delivered logs belong to the account", () => {
    const block = unprotected.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
    for (const flag of [
      "blockPublicAcls",
      "blockPublicPolicy",
      "ignorePublicAcls",
      "restrictPublicBuckets",
    ]) {
      assert.equal(block[flag], true, flag);
    }
    assert.deepEqual(unprotected.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule, {
      objectOwnership: "BucketOwnerEnforced",
    });
  });

  it("expires logs after the given days, and a deleted or overwritten log file a day later", () => {
    assert.deepEqual(
      unprotected.one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration,
      { status: "Enabled" },
    );
    const rules = unprotected.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs
      .rules;
    const expiring = rules.find((r: any) => r.expiration?.days !== undefined);
    assert.equal(expiring.expiration.days, 30);
    assert.deepEqual(expiring.noncurrentVersionExpiration, { noncurrentDays: 1 });
    assert.ok(rules.every((r: any) => r.status === "Enabled"));
  });

  it("can be destroyed with its logs without deletion protection", () => {
    const bucket = unprotected.one(BUCKET);
    assert.equal(bucket.inputs.forceDestroy, true);
    assert.equal(bucket.options.retainOnDelete, false);
  });

  it("keeps the bucket and its logs on destroy with deletion protection", () => {
    const bucket = protectedLogs.one(BUCKET);
    assert.equal(bucket.inputs.forceDestroy, false);
    for (const r of protectedLogs.resources.filter((x) => x.type.startsWith("aws:s3/"))) {
      assert.equal(r.options.retainOnDelete, true, r.name);
    }
  });

  it("makes the load balancer wait for the policy and every setting (ELB writes a test object at once)", () => {
    const settings = unprotected.resources.filter((r) => r.type.startsWith("aws:s3/") && r.type !== BUCKET);
    assert.deepEqual([...unprotected.outputs.ready].sort(), settings.map((r) => r.name).sort());
    assert.ok(unprotected.outputs.ready.includes("web-access-logs-policy"));
  });

  it("names the bucket and its settings after the load balancer", () => {
    for (const r of unprotected.resources.filter((x) => x.type.startsWith("aws:"))) {
      assert.match(r.name, /^web-access-logs/);
    }
  });
});
