/**
 * components/jsonBucket.ts: its arguments and the content folder they name, the read and log delivery policies,
 * and what JsonBucket registers under mocks for a test-like (SSE-S3, destroyable) and a prod-like (SSE-KMS,
 * retained, access logs) bucket. The content folder's own rules are the service contract's
 * (service/test/contentFolder.test.ts); here they only need to reach the caller, labelled.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as aws from "@pulumi/aws";
import { ArgumentError, type Label } from "../../components/args";
import {
  accessLogDeliveryStatements,
  JsonBucket,
  type JsonBucketArgs,
  jsonBucketProblems,
  readPolicy,
  resolveJsonBucketArgs,
  S3_LOG_DELIVERY_PRINCIPAL,
} from "../../components/jsonBucket";
import { lifecycleRules, privateBucketPolicy } from "../../components/privateBucket";
import { ACCOUNT_ID, type Evaluation, PROJECT_ROOT, runUnderMocks } from "../../lib/harness";
import { checkStack } from "../../lib/policy";

const COMMON = { region: "eu-west-1", tags: { project: "ecs-json-api", stack: "test" } };
const configKey: Label = (arg) => `ecs-json-api:${arg}`;
const REPO_CONTENT = path.join(PROJECT_ROOT, "content");
/** The repository's documents, read from the folder itself so the test cannot go stale. */
const repoDocuments = fs
  .readdirSync(REPO_CONTENT)
  .filter((f) => f.endsWith(".json"))
  .sort();
const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");
const ARN = "arn:aws:s3:::docs-bucket-1234567";

/** Throw-away content folders live in the project's git-ignored tmp/, since contentDir must be inside it. */
const TMP = path.join(PROJECT_ROOT, "tmp");
const made: string[] = [];
/** A fresh content folder holding `files`; returns its contentDir (relative to the project root). */
function contentFolder(files: Record<string, string>): string {
  fs.mkdirSync(TMP, { recursive: true });
  const dir = fs.mkdtempSync(path.join(TMP, "json-bucket-"));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return path.relative(PROJECT_ROOT, dir);
}

/** Builds a bucket under mocks; its outputs and children become the stack outputs. */
function build(args: JsonBucketArgs, stack = "test"): Promise<Evaluation> {
  return runUnderMocks(
    () => {
      const b = new JsonBucket("docs", args);
      return {
        bucket: b.bucket.urn,
        accessLogBucket: b.accessLogBucket?.urn ?? "none",
        key: b.key?.urn ?? "none",
        bucketName: b.bucketName,
        bucketArn: b.bucketArn,
        keyPrefix: b.keyPrefix,
        documentCount: b.documentCount,
        documentKeys: b.documentKeys,
        readPolicy: b.readPolicy,
      };
    },
    { stack },
  );
}
const nameOf = (urn: string) => urn.split("::").pop();

describe("components/jsonBucket", () => {
  after(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("jsonBucketProblems", () => {
    it("needs no arguments: the defaults pass and seed the repository's content folder", () => {
      const { problems, documents, values } = jsonBucketProblems("docs", {});
      assert.deepEqual(problems, []);
      assert.deepEqual(
        documents.map((d) => d.fileName),
        repoDocuments,
      );
      assert.equal(values.keyPrefix, "documents/");
    });

    const segments = "empty, or up to 4 path segments of letters, digits, '-', '_', '.', each ending in '/'";
    const refused: [string, Partial<JsonBucketArgs>, string][] = [
      [
        "a key prefix without its trailing '/'",
        { keyPrefix: "docs" },
        `keyPrefix = "docs" is not allowed; expected ${segments}`,
      ],
      [
        "a key prefix starting with '/'",
        { keyPrefix: "/docs/" },
        `keyPrefix = "/docs/" is not allowed; expected ${segments}`,
      ],
      [
        "a key prefix of five segments",
        { keyPrefix: "a/b/c/d/e/" },
        `keyPrefix = "a/b/c/d/e/" is not allowed; expected ${segments}`,
      ],
      [
        "an unknown encryption",
        { bucketEncryption: "aes256" },
        'bucketEncryption = "aes256" is not allowed; expected one of "sse-s3", "sse-kms"',
      ],
      [
        "zero noncurrent days",
        { noncurrentVersionDays: 0 },
        "noncurrentVersionDays = 0 is not allowed; expected a whole number from 1 to 3650",
      ],
      [
        "more than ten years of noncurrent days",
        { noncurrentVersionDays: 3651 },
        "noncurrentVersionDays = 3651 is not allowed; expected a whole number from 1 to 3650",
      ],
      [
        "a document limit above what the service accepts",
        { maxDocumentBytes: 67_108_865 },
        "maxDocumentBytes = 67108865 is not allowed; expected a whole number from 1 to 67108864",
      ],
      [
        "an access log retention CloudWatch Logs would not accept either",
        { logRetentionDays: 10 },
        "logRetentionDays = 10 is not allowed; expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
      ],
      [
        "an empty content folder name",
        { contentDir: "" },
        'contentDir = "" is not allowed; expected a relative path inside the project',
      ],
      [
        "an absolute content folder",
        { contentDir: "/srv/content" },
        'contentDir = "/srv/content" is not allowed; expected a relative path inside the project',
      ],
      [
        "a content folder outside the project",
        { contentDir: "../content" },
        'contentDir = "../content" is not allowed; expected a relative path inside the project',
      ],
    ];
    for (const [what, args, problem] of refused) {
      it(`refuses ${what}, naming the argument and the value`, () => {
        assert.deepEqual(jsonBucketProblems("docs", args).problems, [problem]);
      });
    }

    const badNames: [string, string][] = [
      ["upper case, which S3 refuses in a bucket name", "Docs"],
      ["too long for `<name>-bucket-<7 random characters>` to stay within S3's 63", "d".repeat(49)],
      ["starting with '-'", "-docs"],
    ];
    for (const [what, name] of badNames) {
      it(`refuses a component name with ${what}`, () => {
        assert.deepEqual(jsonBucketProblems(name, {}).problems, [
          `name "${name}" cannot start a bucket name; use lower-case letters, digits and '-', starting with a letter or digit, at most 48 characters`,
        ]);
      });
    }

    it("accepts the longest name whose bucket name fits", () => {
      assert.deepEqual(jsonBucketProblems("d".repeat(48), {}).problems, []);
    });

    it("refuses a name too long for the access-log bucket's name when access logs are on", () => {
      // `<name>-access-logs-<7 random characters>` must stay within S3's 63 characters as well.
      const name = "d".repeat(44);
      assert.deepEqual(jsonBucketProblems(name, {}).problems, []);
      assert.deepEqual(jsonBucketProblems(name, { accessLogs: true }).problems, [
        `name "${name}" is 44 characters; with accessLogs the log bucket's name "${name}-access-logs-" plus 7 random characters would exceed S3's 63; use at most 43`,
      ]);
      assert.deepEqual(jsonBucketProblems("d".repeat(43), { accessLogs: true }).problems, []);
    });

    it("reports the content folder's problems, each prefixed by the contentDir label", () => {
      const dir = contentFolder({ "bad name.json": "{}", "ok.json": "{}" });
      assert.deepEqual(jsonBucketProblems("docs", { contentDir: dir }, configKey).problems, [
        `ecs-json-api:contentDir: ${dir}/bad name.json: key "bad name" has characters other than letters, digits, '-', '_' and '.'`,
      ]);
    });

    it("refuses a document larger than maxDocumentBytes, which the service would refuse to serve", () => {
      const dir = contentFolder({ "big.json": `"${"x".repeat(30)}"`, "small.json": "1" });
      const { problems, documents } = jsonBucketProblems("docs", { contentDir: dir, maxDocumentBytes: 16 });
      assert.deepEqual(problems, [
        `contentDir: ${dir}/big.json is 32 bytes; the service serves documents of at most 16 bytes (MAX_DOCUMENT_BYTES)`,
      ]);
      assert.deepEqual(
        documents.map((d) => d.key),
        ["small"],
      );
    });

    it("still reports the content folder's other problems when maxDocumentBytes itself is invalid", () => {
      const dir = contentFolder({ "broken.json": "{", "big.json": `"${"x".repeat(100)}"` });
      const { problems } = jsonBucketProblems("docs", { contentDir: dir, maxDocumentBytes: 0 });
      assert.equal(problems.length, 2);
      assert.equal(
        problems[0],
        "maxDocumentBytes = 0 is not allowed; expected a whole number from 1 to 67108864",
      );
      assert.match(problems[1], new RegExp(`^contentDir: ${dir}/broken.json is not valid JSON`));
    });

    it("does not read a folder its contentDir rule refuses", () => {
      const { problems, documents } = jsonBucketProblems("docs", {
        contentDir: path.join(PROJECT_ROOT, "content"),
      });
      assert.equal(problems.length, 1);
      assert.match(
        problems[0],
        /^contentDir = ".*" is not allowed; expected a relative path inside the project$/,
      );
      assert.deepEqual(documents, []);
    });

    it("reports argument, name and content problems together, each naming its argument through the label", () => {
      const dir = contentFolder({ "notes.txt": "" });
      assert.deepEqual(
        jsonBucketProblems("Docs", { contentDir: dir, bucketEncryption: "none" }, configKey).problems,
        [
          'ecs-json-api:bucketEncryption = "none" is not allowed; expected one of "sse-s3", "sse-kms"',
          `name "Docs" cannot start a bucket name; use lower-case letters, digits and '-', starting with a letter or digit, at most 48 characters`,
          `ecs-json-api:contentDir: ${dir}/notes.txt is not a .json document; the content folder holds *.json documents and *.md notes only`,
        ],
      );
    });

    it("resolves a relative content folder against the project root, wherever the program runs", () => {
      const cwd = process.cwd();
      fs.mkdirSync(TMP, { recursive: true });
      try {
        process.chdir(TMP);
        const { documents } = jsonBucketProblems("docs", { contentDir: "content" });
        assert.equal(documents[0].path, path.join(REPO_CONTENT, repoDocuments[0]));
      } finally {
        process.chdir(cwd);
      }
    });
  });

  describe("resolveJsonBucketArgs", () => {
    it("throws one ArgumentError for JsonBucket listing every problem", () => {
      assert.throws(
        () => resolveJsonBucketArgs("docs", { keyPrefix: "x", noncurrentVersionDays: 0 }),
        (err: unknown) =>
          err instanceof ArgumentError && err.component === "JsonBucket" && err.problems.length === 2,
      );
    });
  });

  describe("readPolicy", () => {
    const statements = (doc: aws.iam.PolicyDocument) => doc.Statement as any[];

    it("grants GetObject on the documents under the prefix only", () => {
      const get = statements(readPolicy(ARN, "documents/")).find((s) => s.Action === "s3:GetObject");
      assert.equal(get.Effect, "Allow");
      assert.equal(get.Resource, `${ARN}/documents/*`);
    });

    it("grants GetObject on the whole bucket when the prefix is empty", () => {
      assert.equal(statements(readPolicy(ARN, ""))[0].Resource, `${ARN}/*`);
    });

    it("grants ListBucket on the bucket, so a missing document is a 404 and not a 403", () => {
      // No `s3:prefix` condition, on purpose: AWS documents the 404 for callers holding ListBucket on the bucket,
      // not for a prefix-scoped grant, and the bucket holds nothing but documents the reader may read anyway.
      const list = statements(readPolicy(ARN, "documents/")).find((s) => s.Action === "s3:ListBucket");
      assert.equal(list.Effect, "Allow");
      assert.equal(list.Resource, ARN);
      assert.equal(list.Condition, undefined);
    });

    it("grants nothing else with SSE-S3: no writes, no deletes, no other bucket", () => {
      const doc = readPolicy(ARN, "documents/");
      assert.deepEqual(
        statements(doc)
          .map((s) => s.Action)
          .sort(),
        ["s3:GetObject", "s3:ListBucket"],
      );
      assert.ok(statements(doc).every((s) => s.Effect === "Allow" && String(s.Resource).startsWith(ARN)));
    });

    it("adds Decrypt on the bucket's key with SSE-KMS, usable only through S3 in the bucket's region", () => {
      const keyArn = "arn:aws:kms:eu-central-1:123456789012:key/abc";
      const decrypt = statements(readPolicy(ARN, "documents/", { keyArn, region: "eu-central-1" })).find(
        (s) => s.Action === "kms:Decrypt",
      );
      assert.equal(decrypt.Effect, "Allow");
      assert.equal(decrypt.Resource, keyArn);
      assert.deepEqual(decrypt.Condition, {
        StringEquals: { "kms:ViaService": "s3.eu-central-1.amazonaws.com" },
      });
    });
  });

  describe("accessLogDeliveryStatements", () => {
    const [statement] = accessLogDeliveryStatements(
      "arn:aws:s3:::logs",
      "s3-access/",
      "arn:aws:s3:::docs",
      "210987654321",
    ) as any[];

    it("lets only S3's log delivery put objects, only under the log prefix", () => {
      assert.equal(statement.Effect, "Allow");
      assert.deepEqual(statement.Principal, { Service: S3_LOG_DELIVERY_PRINCIPAL });
      assert.equal(statement.Action, "s3:PutObject");
      assert.equal(statement.Resource, "arn:aws:s3:::logs/s3-access/*");
    });

    it("accepts logs of the documents bucket of this account only (confused-deputy guard)", () => {
      assert.deepEqual(statement.Condition, {
        ArnLike: { "aws:SourceArn": "arn:aws:s3:::docs" },
        StringEquals: { "aws:SourceAccount": "210987654321" },
      });
    });
  });

  describe("a test-like bucket (defaults: SSE-S3, destroyable, no access logs) seeded from the repository", () => {
    let e: Evaluation;
    before(async () => {
      e = await build(COMMON);
    });
    const bucket = () => e.one("aws:s3/bucket:Bucket");

    it("registers exactly the bucket, its five settings, its policy and one object per document", () => {
      assert.deepEqual(e.countsByType(), {
        "aws:s3/bucket:Bucket": 1,
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 1,
        "aws:s3/bucketObjectv2:BucketObjectv2": repoDocuments.length,
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 1,
        "aws:s3/bucketPolicy:BucketPolicy": 1,
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
        "aws:s3/bucketVersioning:BucketVersioning": 1,
        "ecs-json-api:storage:JsonBucket": 1,
        "pulumi:providers:aws": 1,
        "pulumi:pulumi:Stack": 1,
      });
    });

    it("makes a private bucket: no public access, TLS only, auto-named after the component", () => {
      assert.equal(bucket().name, "docs-bucket");
      assert.equal(bucket().inputs.bucket, undefined);
      const block = e.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
      assert.ok(
        block.blockPublicAcls &&
          block.blockPublicPolicy &&
          block.ignorePublicAcls &&
          block.restrictPublicBuckets,
      );
      assert.deepEqual(
        JSON.parse(e.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy),
        privateBucketPolicy(bucket().state.arn),
      );
    });

    it("encrypts with S3-managed keys and creates no KMS key", () => {
      const [rule] = e.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      ).inputs.rules;
      assert.deepEqual(rule.applyServerSideEncryptionByDefault, { sseAlgorithm: "AES256" });
      assert.equal(e.outputs.key, "none");
    });

    it("keeps versions and expires replaced ones after 30 days by default", () => {
      assert.equal(
        e.one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration.status,
        "Enabled",
      );
      assert.deepEqual(
        e.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules,
        lifecycleRules({ noncurrentVersionDays: 30 }),
      );
    });

    it("lets `pulumi destroy` empty and delete the bucket, and retains nothing", () => {
      assert.equal(bucket().inputs.forceDestroy, true);
      for (const r of e.resources) assert.notEqual(r.options.retainOnDelete, true, r.name);
    });

    it("uploads each document to keyPrefix + file name as application/json, hashed so an edit updates it", () => {
      const objects = e.resourcesOfType("aws:s3/bucketObjectv2:BucketObjectv2");
      assert.deepEqual(
        objects.map((o) => [o.name, o.inputs.key]),
        repoDocuments.map((f) => [`docs-doc-${f.slice(0, -".json".length)}`, `documents/${f}`]),
      );
      for (const [i, o] of objects.entries()) {
        const file = path.join(REPO_CONTENT, repoDocuments[i]);
        assert.equal(o.inputs.bucket, bucket().state.id);
        assert.equal(o.inputs.contentType, "application/json");
        assert.equal(o.inputs.sourceHash, sha256(file));
        assert.equal(o.inputs.source.__pulumiAsset, true);
      }
    });

    it("writes documents only once the bucket is locked down, encrypted, versioned and expiring", () => {
      for (const o of e.resourcesOfType("aws:s3/bucketObjectv2:BucketObjectv2")) {
        assert.deepEqual([...o.options.dependsOn].sort(), [
          "docs-encryption",
          "docs-lifecycle",
          "docs-ownership",
          "docs-policy",
          "docs-public-access",
          "docs-versioning",
        ]);
      }
    });

    it("exposes the bucket, its name, ARN, key prefix and the seeded keys", () => {
      const o = e.outputs;
      assert.equal(nameOf(o.bucket), "docs-bucket");
      assert.equal(o.accessLogBucket, "none");
      assert.equal(o.bucketName, bucket().state.bucket);
      assert.equal(o.bucketArn, bucket().state.arn);
      assert.equal(o.keyPrefix, "documents/");
      assert.deepEqual(
        o.documentKeys,
        repoDocuments.map((f) => `documents/${f}`),
      );
      assert.equal(o.documentCount, repoDocuments.length);
    });

    it("offers readers the read policy of this bucket and prefix", () => {
      assert.deepEqual(e.outputs.readPolicy, readPolicy(bucket().state.arn, "documents/"));
    });

    it("parents every child to the component and registers it with the component's tagged provider", () => {
      const children = e.childrenOf(e.one("ecs-json-api:storage:JsonBucket"));
      assert.equal(children.length, e.resources.length - 2);
      assert.deepEqual(JSON.parse(e.one("pulumi:providers:aws").inputs.defaultTags), {
        tags: { project: "ecs-json-api", stack: "test", component: "JsonBucket" },
      });
      for (const r of children.filter((c) => c.type.startsWith("aws:"))) {
        assert.equal(e.providerOf(r)?.name, "docs-aws", r.name);
      }
    });

    it("passes the project's policy pack", async () => {
      assert.deepEqual((await checkStack(e)).violations, []);
    });
  });

  describe("a prod-like bucket (SSE-KMS, deletion protection, access logs)", () => {
    let e: Evaluation;
    before(async () => {
      e = await build(
        {
          ...COMMON,
          tags: { project: "ecs-json-api", stack: "prod" },
          bucketEncryption: "sse-kms",
          deletionProtection: true,
          noncurrentVersionDays: 90,
          accessLogs: true,
          logRetentionDays: 30,
        },
        "prod",
      );
    });
    const key = () => e.one("aws:kms/key:Key");
    const docs = () => e.named("docs-bucket");
    const logs = () => e.named("docs-access-logs");

    it("encrypts with a key of its own, rotated, with bucket keys", () => {
      assert.equal(key().inputs.enableKeyRotation, true);
      const rule = e.named("docs-encryption").inputs.rules[0];
      assert.deepEqual(rule.applyServerSideEncryptionByDefault, {
        sseAlgorithm: "aws:kms",
        kmsMasterKeyId: key().state.arn,
      });
      assert.equal(rule.bucketKeyEnabled, true);
      assert.equal(nameOf(e.outputs.key), "docs-key");
    });

    it("waits the longest window (30 days) before deleting a protected bucket's key", () => {
      assert.equal(key().inputs.deletionWindowInDays, 30);
    });

    it("adds Decrypt on its key, through S3 in its region only, to the read policy", () => {
      assert.deepEqual(
        e.outputs.readPolicy,
        readPolicy(docs().state.arn, "documents/", { keyArn: key().state.arn, region: "eu-west-1" }),
      );
    });

    it("expires replaced documents after the given days", () => {
      assert.deepEqual(e.named("docs-lifecycle").inputs.rules, lifecycleRules({ noncurrentVersionDays: 90 }));
    });

    it("keeps both buckets, their settings, the logging, the key and every document with its versions on destroy", () => {
      assert.equal(docs().inputs.forceDestroy, false);
      assert.equal(logs().inputs.forceDestroy, false);
      // The documents too: the provider deletes an object in a versioned bucket with all its versions, so a
      // file removed from the folder would take its history with it.
      const notRetained = e.resources.filter(
        (r) => r.custom && !r.type.startsWith("pulumi:") && !r.options.retainOnDelete,
      );
      assert.deepEqual(
        notRetained.map((r) => r.name),
        [],
      );
      assert.equal(e.resourcesOfType("aws:s3/bucketObjectv2:BucketObjectv2").length, repoDocuments.length);
    });

    it("logs every request to the documents bucket into a log bucket of its own, under s3-access/", () => {
      const logging = e.one("aws:s3/bucketLogging:BucketLogging");
      assert.equal(logging.inputs.bucket, docs().state.id);
      assert.equal(logging.inputs.targetBucket, logs().state.bucket);
      assert.equal(logging.inputs.targetPrefix, "s3-access/");
      assert.equal(nameOf(e.outputs.accessLogBucket), "docs-access-logs");
    });

    it("turns logging on only once the log bucket is ready for S3's deliveries", () => {
      assert.deepEqual([...e.one("aws:s3/bucketLogging:BucketLogging").options.dependsOn].sort(), [
        "docs-access-logs-encryption",
        "docs-access-logs-lifecycle",
        "docs-access-logs-ownership",
        "docs-access-logs-policy",
        "docs-access-logs-public-access",
        "docs-access-logs-versioning",
      ]);
    });

    it("encrypts the log bucket with S3-managed keys, the only ones server access logging can write with", () => {
      const rule = e.named("docs-access-logs-encryption").inputs.rules[0];
      assert.deepEqual(rule.applyServerSideEncryptionByDefault, { sseAlgorithm: "AES256" });
    });

    it("expires the logs after logRetentionDays, their old versions and unfinished uploads after a day", () => {
      assert.deepEqual(
        e.named("docs-access-logs-lifecycle").inputs.rules,
        lifecycleRules({ expirationDays: 30, noncurrentVersionDays: 1, abortMultipartDays: 1 }),
      );
    });

    it("lets only S3's log delivery write to the log bucket, for this documents bucket and account", () => {
      const logsArn = logs().state.arn;
      assert.deepEqual(
        JSON.parse(e.named("docs-access-logs-policy").inputs.policy),
        privateBucketPolicy(
          logsArn,
          accessLogDeliveryStatements(logsArn, "s3-access/", docs().state.arn, ACCOUNT_ID),
        ),
      );
    });

    it("does not log the log bucket itself", () => {
      assert.equal(e.resourcesOfType("aws:s3/bucketLogging:BucketLogging").length, 1);
    });

    it("passes the project's policy pack", async () => {
      assert.deepEqual((await checkStack(e)).violations, []);
    });
  });

  describe("seeding other folders", () => {
    it("seeds a folder's documents at the bucket root when the prefix is empty", async () => {
      const dir = contentFolder({ "b.json": "{}", "a.json": "[]", "README.md": "# notes" });
      const e = await build({ ...COMMON, contentDir: dir, keyPrefix: "" });
      assert.deepEqual(
        e.resourcesOfType("aws:s3/bucketObjectv2:BucketObjectv2").map((o) => [o.name, o.inputs.key]),
        [
          ["docs-doc-a", "a.json"],
          ["docs-doc-b", "b.json"],
        ],
      );
      assert.equal(e.outputs.readPolicy.Statement[0].Resource, `${e.outputs.bucketArn}/*`);
    });

    it("builds an empty bucket from an empty folder, and warns", async () => {
      const warnings: string[] = [];
      const warn = console.warn;
      console.warn = (message: string) => warnings.push(message);
      let e: Evaluation;
      const dir = contentFolder({});
      try {
        e = await build({ ...COMMON, contentDir: dir });
      } finally {
        console.warn = warn;
      }
      assert.equal(e.resourcesOfType("aws:s3/bucketObjectv2:BucketObjectv2").length, 0);
      assert.equal(e.outputs.documentCount, 0);
      assert.deepEqual(e.outputs.documentKeys, []);
      assert.ok(
        warnings.some((w) => w.includes(`${dir} holds no *.json documents; the bucket starts empty`)),
        warnings.join("\n"),
      );
    });

    it("gives an unprotected bucket's key the shortest deletion window", async () => {
      const e = await build({
        ...COMMON,
        contentDir: contentFolder({ "a.json": "{}" }),
        bucketEncryption: "sse-kms",
      });
      assert.equal(e.one("aws:kms/key:Key").inputs.deletionWindowInDays, 7);
      assert.equal(e.one("aws:kms/key:Key").options.retainOnDelete, false);
    });

    it("fails with every content problem before creating any AWS resource", async () => {
      const dir = contentFolder({ "ok.json": "{}", "broken.json": '{"a": 1,}', "bad name.json": "{}" });
      let error: unknown;
      const e = await runUnderMocks(() => {
        try {
          new JsonBucket("docs", { ...COMMON, contentDir: dir });
        } catch (err) {
          error = err;
        }
      });
      assert.ok(error instanceof ArgumentError);
      assert.equal(error.problems.length, 2);
      assert.ok(error.problems.every((p) => p.startsWith(`contentDir: ${dir}/`)));
      assert.deepEqual(
        e.resources.filter((r) => r.custom).map((r) => r.type),
        [],
      );
    });
  });
});
