/**
 * components/privateBucket.ts: the one way the project makes a bucket. Its lifecycle rules and policy as pure
 * functions, then what createPrivateBucket and logServerAccess register under mocks.
 */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import fc from "fast-check";
import {
  createPrivateBucket,
  lifecycleRules,
  logServerAccess,
  type PrivateBucketArgs,
  privateBucketPolicy,
} from "../../components/privateBucket";
import { type Evaluation, type RecordedResource, runUnderMocks } from "../../lib/harness";

type Rule = aws.types.input.s3.BucketLifecycleConfigurationRule;
const ARN = "arn:aws:s3:::some-bucket";
const ruleIds = (rules: Rule[]) => rules.map((r) => r.id);
/** The logical name at the end of a URN. */
const nameOf = (urn: string) => urn.split("::").pop();
const rule = (rules: Rule[], id: string) => rules.find((r) => r.id === id) as any;

/** Every resource an evaluation registered for the bucket `name` (the bucket and its `<name>-*` settings). */
const bucketParts = (e: Evaluation, name: string, bucketName: string): RecordedResource[] =>
  e.resources.filter((r) => r.name === bucketName || r.name.startsWith(`${name}-`));

describe("components/privateBucket", () => {
  describe("lifecycleRules", () => {
    it("only aborts unfinished multipart uploads, after 7 days, when nothing is to expire", () => {
      const rules = lifecycleRules({});
      assert.deepEqual(ruleIds(rules), ["abort-incomplete-multipart-uploads"]);
      assert.deepEqual(rule(rules, "abort-incomplete-multipart-uploads").abortIncompleteMultipartUpload, {
        daysAfterInitiation: 7,
      });
    });

    it("aborts unfinished multipart uploads after the given days", () => {
      const rules = lifecycleRules({ abortMultipartDays: 1 });
      assert.equal(
        rule(rules, "abort-incomplete-multipart-uploads").abortIncompleteMultipartUpload.daysAfterInitiation,
        1,
      );
    });

    it("expires replaced versions after the given days, and the delete markers they leave behind", () => {
      const r = rule(lifecycleRules({ noncurrentVersionDays: 30 }), "expire-noncurrent-versions");
      assert.deepEqual(r.noncurrentVersionExpiration, { noncurrentDays: 30 });
      assert.deepEqual(r.expiration, { expiredObjectDeleteMarker: true });
    });

    it("expires objects after the given days (logs)", () => {
      const rules = lifecycleRules({ expirationDays: 14 });
      assert.deepEqual(ruleIds(rules), ["expire-objects", "abort-incomplete-multipart-uploads"]);
      assert.deepEqual(rule(rules, "expire-objects").expiration, { days: 14 });
      assert.equal(rule(rules, "expire-objects").noncurrentVersionExpiration, undefined);
    });

    it("expires objects and their old versions in one rule, without the delete-marker flag S3 refuses beside days", () => {
      const rules = lifecycleRules({ expirationDays: 7, noncurrentVersionDays: 1 });
      assert.deepEqual(ruleIds(rules), ["expire-objects", "abort-incomplete-multipart-uploads"]);
      assert.deepEqual(rule(rules, "expire-objects").expiration, { days: 7 });
      assert.deepEqual(rule(rules, "expire-objects").noncurrentVersionExpiration, { noncurrentDays: 1 });
    });

    it("for every combination: whole-bucket enabled rules, unique ids, one abort rule, expiries exactly as asked (property)", () => {
      const days = fc.option(fc.integer({ min: 1, max: 3650 }), { nil: undefined });
      fc.assert(
        fc.property(days, days, days, (expirationDays, noncurrentVersionDays, abortMultipartDays) => {
          const rules = lifecycleRules({ expirationDays, noncurrentVersionDays, abortMultipartDays });
          assert.equal(new Set(ruleIds(rules)).size, rules.length);
          for (const r of rules as any[]) {
            assert.equal(r.status, "Enabled");
            assert.deepEqual(r.filter, {});
            assert.ok(
              !(r.expiration?.days !== undefined && r.expiration?.expiredObjectDeleteMarker !== undefined),
            );
          }
          const aborts = (rules as any[]).filter((r) => r.abortIncompleteMultipartUpload);
          assert.equal(aborts.length, 1);
          assert.equal(aborts[0].abortIncompleteMultipartUpload.daysAfterInitiation, abortMultipartDays ?? 7);
          const objectDays = (rules as any[]).flatMap((r) =>
            r.expiration?.days !== undefined ? [r.expiration.days] : [],
          );
          assert.deepEqual(objectDays, expirationDays === undefined ? [] : [expirationDays]);
          const noncurrentDays = (rules as any[]).flatMap((r) =>
            r.noncurrentVersionExpiration ? [r.noncurrentVersionExpiration.noncurrentDays] : [],
          );
          assert.deepEqual(
            noncurrentDays,
            noncurrentVersionDays === undefined ? [] : [noncurrentVersionDays],
          );
        }),
      );
    });
  });

  describe("privateBucketPolicy", () => {
    it("starts with a Deny of every request to the bucket or its objects that does not arrive over TLS", () => {
      const [deny] = privateBucketPolicy(ARN).Statement as any[];
      assert.equal(deny.Effect, "Deny");
      assert.equal(deny.Principal, "*");
      assert.equal(deny.Action, "s3:*");
      assert.deepEqual(deny.Resource, [ARN, `${ARN}/*`]);
      assert.deepEqual(deny.Condition, { Bool: { "aws:SecureTransport": "false" } });
    });

    it("holds only the Deny when given no statements", () => {
      assert.equal((privateBucketPolicy(ARN).Statement as any[]).length, 1);
    });

    it("appends the bucket's own statements after the Deny, unchanged and in order", () => {
      const own: aws.iam.PolicyStatement[] = [
        {
          Sid: "A",
          Effect: "Allow",
          Principal: { Service: "x.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: `${ARN}/a/*`,
        },
        {
          Sid: "B",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::1:root" },
          Action: "s3:GetObject",
          Resource: `${ARN}/b/*`,
        },
      ];
      const statements = privateBucketPolicy(ARN, own).Statement as any[];
      assert.equal(statements[0].Sid, "DenyInsecureTransport");
      assert.deepEqual(statements.slice(1), own);
    });
  });

  describe("createPrivateBucket with the defaults, and logServerAccess into a log bucket", () => {
    let e: Evaluation;
    let ready: string[];
    before(async () => {
      e = await runUnderMocks(() => {
        const data = createPrivateBucket("data", "data-bucket", {}, {});
        const logs = createPrivateBucket(
          "logs",
          "logs-bucket",
          { expirationDays: 7, noncurrentVersionDays: 1 },
          {},
        );
        logServerAccess(
          "server-access-logs",
          data.bucket,
          { bucket: logs.bucket.bucket, prefix: "s3/" },
          { dependsOn: logs.ready },
        );
        return { ready: data.ready.map((r) => r.urn), policy: data.policy.urn, bucket: data.bucket.urn };
      });
      ready = e.outputs.ready.map(nameOf);
    });
    const data = (type: string) => {
      const found = bucketParts(e, "data", "data-bucket").filter((r) => r.type === type);
      assert.equal(found.length, 1, type);
      return found[0];
    };

    it("lets Pulumi name the bucket, so stacks can share an account", () => {
      assert.equal(data("aws:s3/bucket:Bucket").inputs.bucket, undefined);
    });

    it("blocks every form of public access", () => {
      const { bucket, ...flags } = data("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
      assert.equal(bucket, data("aws:s3/bucket:Bucket").state.id);
      assert.deepEqual(flags, {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
    });

    it("disables ACLs: the bucket owner owns every object", () => {
      assert.deepEqual(data("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule, {
        objectOwnership: "BucketOwnerEnforced",
      });
    });

    it("encrypts with S3-managed keys and refuses uploads with customer-provided keys", () => {
      const [rule] = data(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      ).inputs.rules;
      assert.deepEqual(rule.applyServerSideEncryptionByDefault, { sseAlgorithm: "AES256" });
      assert.equal(rule.bucketKeyEnabled, undefined);
      assert.deepEqual(rule.blockedEncryptionTypes, ["SSE-C"]);
    });

    it("keeps every version", () => {
      assert.deepEqual(data("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration, {
        status: "Enabled",
      });
    });

    it("sets its lifecycle only once versioning is on (rules on noncurrent versions are refused before)", () => {
      const lifecycle = data("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
      assert.deepEqual(lifecycle.options.dependsOn, ["data-versioning"]);
      assert.deepEqual(lifecycle.inputs.rules, lifecycleRules({}));
    });

    it("holds only the TLS Deny in its policy when given no statements", () => {
      const arn = data("aws:s3/bucket:Bucket").state.arn;
      assert.deepEqual(
        JSON.parse(data("aws:s3/bucketPolicy:BucketPolicy").inputs.policy),
        privateBucketPolicy(arn),
      );
    });

    it("sets the policy after the public access block and ownership, one change at a time as S3 requires", () => {
      assert.deepEqual(data("aws:s3/bucketPolicy:BucketPolicy").options.dependsOn.sort(), [
        "data-ownership",
        "data-public-access",
      ]);
    });

    it("cannot be destroyed while it holds objects, and is not retained when the stack forgets it", () => {
      assert.equal(data("aws:s3/bucket:Bucket").inputs.forceDestroy, false);
      for (const r of bucketParts(e, "data", "data-bucket"))
        assert.notEqual(r.options.retainOnDelete, true, r.name);
    });

    it("names every setting after the bucket's name, so two buckets in one program do not collide", () => {
      assert.deepEqual(
        bucketParts(e, "data", "data-bucket")
          .map((r) => r.name)
          .sort(),
        [
          "data-bucket",
          "data-encryption",
          "data-lifecycle",
          "data-ownership",
          "data-policy",
          "data-public-access",
          "data-versioning",
        ],
      );
      assert.equal(e.resourcesOfType("aws:s3/bucket:Bucket").length, 2);
    });

    it("lists every setting and the policy as what a writer must wait for", () => {
      assert.deepEqual([...ready].sort(), [
        "data-encryption",
        "data-lifecycle",
        "data-ownership",
        "data-policy",
        "data-public-access",
        "data-versioning",
      ]);
      assert.equal(nameOf(e.outputs.policy), "data-policy");
      assert.equal(nameOf(e.outputs.bucket), "data-bucket");
    });

    it("logs server access into the target bucket under the prefix, partitioned by delivery date", () => {
      const logging = e.one("aws:s3/bucketLogging:BucketLogging");
      assert.equal(logging.name, "server-access-logs");
      assert.equal(logging.inputs.bucket, data("aws:s3/bucket:Bucket").state.id);
      assert.equal(logging.inputs.targetBucket, e.named("logs-bucket").state.bucket);
      assert.equal(logging.inputs.targetPrefix, "s3/");
      assert.deepEqual(logging.inputs.targetObjectKeyFormat, {
        partitionedPrefix: { partitionDateSource: "DeliveryTime" },
      });
    });

    it("passes its options on to the logging, so it can wait for the log bucket to be ready", () => {
      assert.deepEqual(e.one("aws:s3/bucketLogging:BucketLogging").options.dependsOn.sort(), [
        "logs-encryption",
        "logs-lifecycle",
        "logs-ownership",
        "logs-policy",
        "logs-public-access",
        "logs-versioning",
      ]);
    });

    it("expires a log bucket's objects and old versions as asked", () => {
      const lifecycle = e.named("logs-lifecycle");
      assert.deepEqual(
        lifecycle.inputs.rules,
        lifecycleRules({ expirationDays: 7, noncurrentVersionDays: 1 }),
      );
    });
  });

  describe("createPrivateBucket with every argument changed", () => {
    let e: Evaluation;
    let statementsCalledWith: string | undefined;
    before(async () => {
      e = await runUnderMocks(() => {
        const provider = new aws.Provider("given", { region: "eu-west-1" });
        const args: PrivateBucketArgs = {
          kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
          versioning: false,
          expirationDays: 30,
          abortMultipartDays: 2,
          blockCustomerKeys: false,
          forceDestroy: true,
          retainOnDelete: true,
          policyStatements: (arn) => {
            statementsCalledWith = arn;
            return [
              {
                Sid: "Own",
                Effect: "Allow",
                Principal: { Service: "logging.s3.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: `${arn}/*`,
              },
            ];
          },
        };
        createPrivateBucket("b", "b-bucket", args, { provider });
      });
    });

    it("encrypts with the given KMS key and one data key per bucket (bucket keys)", () => {
      const [rule] = e.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      ).inputs.rules;
      assert.deepEqual(rule.applyServerSideEncryptionByDefault, {
        sseAlgorithm: "aws:kms",
        kmsMasterKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k",
      });
      assert.equal(rule.bucketKeyEnabled, true);
    });

    it("accepts customer-provided keys when told to", () => {
      const [rule] = e.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      ).inputs.rules;
      assert.equal(rule.blockedEncryptionTypes, undefined);
    });

    it("creates no versioning without versioning, and sets the lifecycle without waiting for it", () => {
      assert.equal(e.resourcesOfType("aws:s3/bucketVersioning:BucketVersioning").length, 0);
      const lifecycle = e.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
      assert.deepEqual(lifecycle.options.dependsOn, []);
      assert.deepEqual(lifecycle.inputs.rules, lifecycleRules({ expirationDays: 30, abortMultipartDays: 2 }));
    });

    it("adds the bucket's own statements, given its ARN, after the TLS Deny", () => {
      const arn = e.one("aws:s3/bucket:Bucket").state.arn;
      assert.equal(statementsCalledWith, arn);
      const policy = JSON.parse(e.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
      assert.deepEqual(
        policy.Statement.map((s: { Sid: string }) => s.Sid),
        ["DenyInsecureTransport", "Own"],
      );
    });

    it("lets `pulumi destroy` empty the bucket when told to", () => {
      assert.equal(e.one("aws:s3/bucket:Bucket").inputs.forceDestroy, true);
    });

    it("retains the bucket and everything that protects it when told to", () => {
      const parts = e.resources.filter((r) => r.type.startsWith("aws:s3/"));
      assert.equal(parts.length, 6);
      for (const r of parts) assert.equal(r.options.retainOnDelete, true, r.name);
    });

    it("registers the bucket and every setting with the options it is given", () => {
      for (const r of e.resources.filter((r) => r.type.startsWith("aws:s3/"))) {
        assert.equal(e.providerOf(r)?.name, "given", r.name);
      }
    });
  });

  it("refuses to expire noncurrent versions of a bucket that keeps none, before creating anything", () => {
    assert.throws(
      () => createPrivateBucket("b", "b-bucket", { versioning: false, noncurrentVersionDays: 1 }, {}),
      { message: "createPrivateBucket(b): noncurrentVersionDays needs versioning" },
    );
  });
});
