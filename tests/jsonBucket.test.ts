/**
 * The JsonBucket component: argument validation, the content folder rules (with throw-away folders under the OS
 * temp dir), and what it registers under mocks for a test-like (SSE-S3, destroyable) and a prod-like (SSE-KMS,
 * retained) bucket.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { JsonBucket, type JsonBucketArgs, resolveJsonBucketArgs } from "../components/jsonBucket";
import { type Evaluation, PROJECT_ROOT, runUnderMocks, stackConfig } from "../lib/harness";
import { DEFAULT_MAX_DOCUMENT_BYTES, keyProblem, scanContentFolder } from "../service/src/contract";
import { parseCliConfig } from "../stacks/config";

const COMMON = { region: "eu-west-1", tags: { project: "ecs-json-api", stack: "test" } };
const REPO_CONTENT = path.join(PROJECT_ROOT, "content");
/** The repository's documents, read from the folder itself so the test cannot go stale. */
const repoDocuments = () =>
  fs
    .readdirSync(REPO_CONTENT)
    .filter((f) => f.endsWith(".json") && !f.startsWith("."))
    .sort();
const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");
/** The exact message JSON.parse gives for `text` on this Node version. */
const parseError = (text: string) => {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${text} parses`);
};

const tmpRoots: string[] = [];
/** A fresh folder under the OS temp dir holding `files` (a null value makes a sub-folder). */
function folder(files: Record<string, string | Buffer | null>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "json-bucket-test-"));
  tmpRoots.push(dir);
  for (const [name, content] of Object.entries(files)) {
    if (content === null) fs.mkdirSync(path.join(dir, name));
    else fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** Builds a bucket under mocks; the component's outputs become the stack outputs. */
function build(args: JsonBucketArgs, name = "documents"): Promise<Evaluation> {
  return runUnderMocks(() => {
    const b = new JsonBucket(name, args);
    return {
      bucketName: b.bucketName,
      bucketArn: b.bucketArn,
      keyPrefix: b.keyPrefix,
      documentCount: b.documentCount,
      documentKeys: b.documentKeys,
      readPolicy: b.readPolicy,
      ...(b.kmsKeyArn ? { kmsKeyArn: b.kmsKeyArn } : {}),
    };
  });
}

describe("JsonBucket", () => {
  after(() => {
    for (const dir of tmpRoots) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("resolveJsonBucketArgs", () => {
    it("applies the schema's defaults and seeds the repository's content folder", () => {
      const r = resolveJsonBucketArgs("documents", COMMON);
      assert.equal(r.contentDir, "content");
      assert.equal(r.keyPrefix, "documents/");
      assert.equal(r.bucketEncryption, "sse-s3");
      assert.equal(r.noncurrentVersionDays, 30);
      assert.equal(r.deletionProtection, false);
      assert.deepEqual(
        r.documents.map((d) => d.fileName),
        repoDocuments(),
      );
      assert.ok(repoDocuments().length > 0);
    });

    const cases: [string, string, Partial<JsonBucketArgs>, string][] = [
      [
        "a key prefix without its trailing '/'",
        "documents",
        { keyPrefix: "docs" },
        `keyPrefix "docs" is not allowed; use empty, or up to 4 path segments of letters, digits, '-', '_', '.', each ending in '/'`,
      ],
      [
        "a key prefix starting with '/'",
        "documents",
        { keyPrefix: "/docs/" },
        `keyPrefix "/docs/" is not allowed; use empty, or up to 4 path segments of letters, digits, '-', '_', '.', each ending in '/'`,
      ],
      [
        "an unknown encryption",
        "documents",
        { bucketEncryption: "aes256" },
        `bucketEncryption "aes256" is not allowed; use "sse-s3" or "sse-kms"`,
      ],
      [
        "zero noncurrent days",
        "documents",
        { noncurrentVersionDays: 0 },
        "noncurrentVersionDays 0 is not allowed; use a whole number from 1 to 3650",
      ],
      [
        "more than ten years of noncurrent days",
        "documents",
        { noncurrentVersionDays: 3651 },
        "noncurrentVersionDays 3651 is not allowed; use a whole number from 1 to 3650",
      ],
      [
        "fractional noncurrent days",
        "documents",
        { noncurrentVersionDays: 1.5 },
        "noncurrentVersionDays 1.5 is not allowed; use a whole number from 1 to 3650",
      ],
      [
        "a zero document size limit",
        "documents",
        { maxDocumentBytes: 0 },
        "maxDocumentBytes 0 is not allowed; use a whole number of bytes, at least 1",
      ],
      [
        "an empty content folder name",
        "documents",
        { contentDir: "" },
        "contentDir is empty; name the folder of JSON documents",
      ],
      [
        "a component name S3 would reject in a bucket name",
        "Docs",
        {},
        `name "Docs" cannot start a bucket name; use lower-case letters, digits and '-', starting with a letter or digit, at most 48 characters`,
      ],
      [
        "a component name too long for an auto-named bucket",
        "d".repeat(49),
        {},
        `name "${"d".repeat(49)}" cannot start a bucket name; use lower-case letters, digits and '-', starting with a letter or digit, at most 48 characters`,
      ],
    ];
    for (const [what, name, override, message] of cases) {
      it(`rejects ${what} with a message naming the value`, () => {
        assert.throws(
          () => resolveJsonBucketArgs(name, { ...COMMON, ...override }),
          (err: Error) => err.message === `JsonBucket: ${message}`,
        );
      });
    }

    it("reports argument and content problems together, in one error", () => {
      const dir = folder({ "bad.json": "{", "ok.json": "{}" });
      assert.throws(
        () => resolveJsonBucketArgs("documents", { ...COMMON, contentDir: dir, bucketEncryption: "none" }),
        {
          message:
            `JsonBucket: bucketEncryption "none" is not allowed; use "sse-s3" or "sse-kms"; ` +
            `${dir}/bad.json is not valid JSON: ${parseError("{")}`,
        },
      );
    });

    it("accepts the committed test and prod stacks' config as is", () => {
      for (const stack of ["test", "prod"]) {
        const c = parseCliConfig(stack, stackConfig(stack).config);
        const r = resolveJsonBucketArgs("documents", {
          region: c.region,
          tags: c.tags,
          contentDir: c.contentDir,
          keyPrefix: c.keyPrefix,
          bucketEncryption: c.bucketEncryption,
          noncurrentVersionDays: c.noncurrentVersionDays,
          deletionProtection: c.deletionProtection,
        });
        assert.equal(r.deletionProtection, stack === "prod");
        assert.equal(r.documents.length, repoDocuments().length);
      }
    });

    it("resolves a relative content folder against the project root and an absolute one as is", () => {
      assert.equal(
        resolveJsonBucketArgs("documents", { ...COMMON, contentDir: "content" }).documents[0].path,
        path.join(REPO_CONTENT, repoDocuments()[0]),
      );
      const dir = folder({ "x.json": "1" });
      assert.equal(
        resolveJsonBucketArgs("documents", { ...COMMON, contentDir: dir }).documents[0].path,
        path.join(dir, "x.json"),
      );
    });
  });

  describe("scanContentFolder", () => {
    it("seeds every *.json file and skips *.md notes and hidden entries", () => {
      const dir = folder({
        "a.json": '{"a": 1}',
        "b-c_d.1.json": "[1, 2]",
        "README.md": "# notes",
        "notes.md": "more notes",
        ".DS_Store": "\u0000\u0001",
        ".hidden.json": "not json",
        ".git": null,
      });
      const scan = scanContentFolder(dir, "content");
      assert.deepEqual(scan.problems, []);
      assert.deepEqual(
        scan.documents.map((d) => [d.key, d.fileName, d.path, d.sha256]),
        [
          ["a", "a.json", path.join(dir, "a.json"), sha256(path.join(dir, "a.json"))],
          ["b-c_d.1", "b-c_d.1.json", path.join(dir, "b-c_d.1.json"), sha256(path.join(dir, "b-c_d.1.json"))],
        ],
      );
    });

    it("never seeds the repository's README.md", () => {
      const scan = scanContentFolder(REPO_CONTENT, "content");
      assert.deepEqual(scan.problems, []);
      assert.ok(fs.existsSync(path.join(REPO_CONTENT, "README.md")));
      assert.ok(scan.documents.every((d) => d.fileName.endsWith(".json")));
    });

    const problemCases: [string, Record<string, string | Buffer | null>, string[]][] = [
      [
        "a file that is not JSON",
        { "bad.json": '{"a": }' },
        [`content/bad.json is not valid JSON: ${parseError('{"a": }')}`],
      ],
      ["an empty file", { "empty.json": "" }, [`content/empty.json is not valid JSON: ${parseError("")}`]],
      [
        "a byte order mark, which the service's JSON.parse would choke on",
        { "bom.json": "\ufeff{}" },
        [`content/bom.json is not valid JSON: ${parseError("\ufeff{}")}`],
      ],
      [
        "bytes that are not UTF-8",
        { "latin1.json": Buffer.from([0x22, 0xe9, 0x22]) },
        ["content/latin1.json is not UTF-8 text"],
      ],
      [
        "a name with a space",
        { "bad name.json": "{}" },
        [`content/bad name.json: key "bad name" has characters other than letters, digits, '-', '_' and '.'`],
      ],
      [
        "a name longer than a key may be",
        { [`${"k".repeat(129)}.json`]: "{}" },
        [
          `content/${"k".repeat(129)}.json: key "${"k".repeat(129)}" is 129 characters long; at most 128 are allowed`,
        ],
      ],
      [
        "a nested folder",
        { sub: null },
        [
          "content/sub is a folder; documents must sit directly in the content folder (a key cannot contain '/')",
        ],
      ],
      ...(["notes.txt", "foo.JSON", "foo.json.bak"].map((f) => [
        `a stray file (${f})`,
        { [f]: "{}" },
        [
          `content/${f} is not a .json document; the content folder holds *.json documents and *.md notes only`,
        ],
      ]) as [string, Record<string, string>, string[]][]),
    ];
    for (const [what, files, problems] of problemCases) {
      it(`refuses ${what}, naming the file and the problem`, () => {
        const scan = scanContentFolder(folder(files), "content");
        assert.deepEqual(scan.problems, problems);
        assert.deepEqual(scan.documents, []);
      });
    }

    it("refuses a document larger than the service serves (MAX_DOCUMENT_BYTES) and accepts one at the limit", () => {
      const dir = folder({ "big.json": `"${"x".repeat(8)}"`, "fits.json": `"${"x".repeat(7)}"` });
      const scan = scanContentFolder(dir, "content", 9);
      assert.deepEqual(scan.problems, [
        "content/big.json is 10 bytes; the service serves documents of at most 9 bytes (MAX_DOCUMENT_BYTES)",
      ]);
      assert.deepEqual(
        scan.documents.map((d) => d.key),
        ["fits"],
      );
      assert.equal(DEFAULT_MAX_DOCUMENT_BYTES, 1_048_576);
      assert.equal(resolveJsonBucketArgs("documents", COMMON).maxDocumentBytes, DEFAULT_MAX_DOCUMENT_BYTES);
    });

    it("reports a badly named file that is also broken JSON twice, and every file's problems in name order", () => {
      const scan = scanContentFolder(
        folder({ "z z.json": "{", "a.txt": "", "good.json": "{}", "m.json": "nope" }),
        "content",
      );
      assert.deepEqual(scan.problems, [
        "content/a.txt is not a .json document; the content folder holds *.json documents and *.md notes only",
        `content/m.json is not valid JSON: ${parseError("nope")}`,
        `content/z z.json: key "z z" has characters other than letters, digits, '-', '_' and '.'`,
        `content/z z.json is not valid JSON: ${parseError("{")}`,
      ]);
      assert.deepEqual(
        scan.documents.map((d) => d.key),
        ["good"],
      );
    });

    it("accepts an empty folder and seeds nothing", () => {
      assert.deepEqual(scanContentFolder(folder({ "README.md": "" }), "content"), {
        documents: [],
        problems: [],
      });
    });

    it("refuses a missing folder and a file in place of the folder", () => {
      const dir = folder({ "file.json": "{}" });
      assert.deepEqual(scanContentFolder(path.join(dir, "nope"), "nope").problems, [
        'content folder "nope" does not exist',
      ]);
      assert.deepEqual(scanContentFolder(path.join(dir, "file.json"), "file.json").problems, [
        'content folder "file.json" is not a folder',
      ]);
    });

    it("seeds a file exactly when its name is a valid key (keyProblem decides, with its message)", () => {
      const chars = fc.constantFrom(..."aZ09-_.~ %@é+=,;'!é".split(""));
      fc.assert(
        fc.property(
          fc.string({ unit: chars, minLength: 1, maxLength: 120 }).filter((s) => !s.startsWith(".")),
          (name) => {
            const scan = scanContentFolder(folder({ [`${name}.json`]: "{}" }), "c");
            const problem = keyProblem(name);
            if (problem) {
              assert.deepEqual(scan.problems, [`c/${name}.json: key "${name}" ${problem}`]);
              assert.deepEqual(scan.documents, []);
            } else {
              assert.deepEqual(scan.problems, []);
              assert.deepEqual(
                scan.documents.map((d) => d.key),
                [name],
              );
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  });

  describe("a test-like bucket (SSE-S3, destroyable) seeded from the repository", () => {
    let evaluation: Evaluation;
    before(async () => {
      evaluation = await build(COMMON);
    });
    const arn = () => evaluation.one("aws:s3/bucket:Bucket").state.arn;

    it("registers exactly the bucket, its five settings, its policy and one object per document", () => {
      assert.deepEqual(evaluation.countsByType(), {
        "aws:s3/bucket:Bucket": 1,
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 1,
        "aws:s3/bucketObjectv2:BucketObjectv2": repoDocuments().length,
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

    it("lets the bucket be force-destroyed and retains nothing", () => {
      const bucket = evaluation.one("aws:s3/bucket:Bucket");
      assert.equal(bucket.inputs.forceDestroy, true);
      assert.equal(bucket.inputs.bucket, undefined, "no physical name");
      for (const r of evaluation.resources) assert.notEqual(r.options.retainOnDelete, true, r.name);
    });

    it("turns on all four public access block flags", () => {
      const { bucket, ...flags } = evaluation.one(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      ).inputs;
      assert.equal(bucket, evaluation.outputs.bucketName);
      assert.deepEqual(flags, {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
    });

    it("disables ACLs with BucketOwnerEnforced", () => {
      assert.deepEqual(evaluation.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule, {
        objectOwnership: "BucketOwnerEnforced",
      });
    });

    it("encrypts with S3-managed keys and blocks customer-provided keys", () => {
      const sse = evaluation.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      );
      assert.deepEqual(sse.inputs.rules, [
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] },
      ]);
      assert.equal(evaluation.resourcesOfType("aws:kms/key:Key").length, 0);
      assert.equal(evaluation.outputs.kmsKeyArn, undefined);
    });

    it("keeps versions and expires noncurrent ones after 30 days, aborting stale multipart uploads", () => {
      assert.deepEqual(
        evaluation.one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration,
        {
          status: "Enabled",
        },
      );
      const lifecycle = evaluation.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
      assert.deepEqual(lifecycle.inputs.rules, [
        {
          id: "expire-noncurrent-versions",
          status: "Enabled",
          filter: {},
          noncurrentVersionExpiration: { noncurrentDays: 30 },
          expiration: { expiredObjectDeleteMarker: true },
        },
        {
          id: "abort-incomplete-multipart-uploads",
          status: "Enabled",
          filter: {},
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ]);
      assert.deepEqual(lifecycle.options.dependsOn, ["documents-versioning"]);
    });

    it("denies every request without TLS, after the public access block is in place", () => {
      const policy = evaluation.one("aws:s3/bucketPolicy:BucketPolicy");
      assert.deepEqual(JSON.parse(policy.inputs.policy), {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [arn(), `${arn()}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      });
      assert.deepEqual(policy.options.dependsOn, ["documents-public-access-block"]);
    });

    it("uploads each document to keyPrefix + file name as application/json, hashed so edits update it", () => {
      const objects = evaluation.resourcesOfType("aws:s3/bucketObjectv2:BucketObjectv2");
      assert.deepEqual(
        objects.map((o) => o.name),
        repoDocuments().map((f) => `documents-doc-${f.slice(0, -5)}`),
      );
      for (const [i, o] of objects.entries()) {
        const file = repoDocuments()[i];
        assert.equal(o.inputs.bucket, evaluation.outputs.bucketName);
        assert.equal(o.inputs.key, `documents/${file}`);
        assert.equal(o.inputs.contentType, "application/json");
        assert.equal(o.inputs.sourceHash, sha256(path.join(REPO_CONTENT, file)));
        assert.equal(o.inputs.source.__pulumiAsset, true);
        assert.deepEqual(o.options.dependsOn, [
          "documents-ownership",
          "documents-encryption",
          "documents-versioning",
        ]);
        assert.notEqual(o.options.retainOnDelete, true);
      }
      assert.deepEqual(
        evaluation.outputs.documentKeys,
        repoDocuments().map((f) => `documents/${f}`),
      );
      assert.equal(evaluation.outputs.documentCount, repoDocuments().length);
    });

    it("grants readers GetObject under the prefix and ListBucket limited to it, nothing else", () => {
      assert.deepEqual(evaluation.outputs.readPolicy, {
        Version: "2012-10-17",
        Statement: [
          { Sid: "ReadDocuments", Effect: "Allow", Action: "s3:GetObject", Resource: `${arn()}/documents/*` },
          {
            Sid: "ListDocuments",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: arn(),
            Condition: { StringLike: { "s3:prefix": "documents/*" } },
          },
        ],
      });
    });

    it("parents every child to the component and registers it with the component's tagged provider", () => {
      const children = evaluation.childrenOf(evaluation.one("ecs-json-api:storage:JsonBucket"));
      assert.equal(children.length, evaluation.resources.length - 2);
      assert.deepEqual(JSON.parse(evaluation.one("pulumi:providers:aws").inputs.defaultTags), {
        tags: { project: "ecs-json-api", stack: "test", component: "JsonBucket" },
      });
      for (const r of children.filter((c) => c.type.startsWith("aws:"))) {
        assert.equal(evaluation.providerOf(r)?.name, "documents-aws", r.name);
      }
    });

    it("exposes the bucket's name, ARN and key prefix", () => {
      const bucket = evaluation.one("aws:s3/bucket:Bucket");
      assert.equal(evaluation.outputs.bucketName, bucket.state.bucket);
      assert.equal(evaluation.outputs.bucketArn, bucket.state.arn);
      assert.equal(evaluation.outputs.keyPrefix, "documents/");
    });
  });

  describe("a prod-like bucket (SSE-KMS, deletion protection)", () => {
    let evaluation: Evaluation;
    before(async () => {
      evaluation = await build({
        ...COMMON,
        bucketEncryption: "sse-kms",
        deletionProtection: true,
        noncurrentVersionDays: 90,
      });
    });
    const keyArn = () => evaluation.one("aws:kms/key:Key").state.arn;

    it("adds exactly one KMS key, rotated, with the longest deletion window", () => {
      assert.equal(evaluation.resources.length, 11 + repoDocuments().length);
      const key = evaluation.one("aws:kms/key:Key");
      assert.equal(key.inputs.enableKeyRotation, true);
      assert.equal(key.inputs.deletionWindowInDays, 30);
      assert.equal(evaluation.outputs.kmsKeyArn, keyArn());
    });

    it("encrypts with the key and bucket keys", () => {
      const sse = evaluation.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      );
      assert.deepEqual(sse.inputs.rules, [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn() },
          bucketKeyEnabled: true,
          blockedEncryptionTypes: ["SSE-C"],
        },
      ]);
    });

    it("keeps the bucket, its settings and its key on destroy, but lets documents follow the folder", () => {
      assert.equal(evaluation.one("aws:s3/bucket:Bucket").inputs.forceDestroy, false);
      const retained = evaluation.resources.filter((r) => r.options.retainOnDelete).map((r) => r.name);
      assert.deepEqual(retained.sort(), [
        "documents-bucket",
        "documents-encryption",
        "documents-key",
        "documents-lifecycle",
        "documents-ownership",
        "documents-policy",
        "documents-public-access-block",
        "documents-versioning",
      ]);
    });

    it("expires noncurrent versions after the given days", () => {
      const lifecycle = evaluation.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
      assert.deepEqual(lifecycle.inputs.rules[0].noncurrentVersionExpiration, { noncurrentDays: 90 });
    });

    it("adds Decrypt on the bucket's key, through S3 only, to the read policy", () => {
      const arn = evaluation.one("aws:s3/bucket:Bucket").state.arn;
      assert.deepEqual(evaluation.outputs.readPolicy.Statement, [
        { Sid: "ReadDocuments", Effect: "Allow", Action: "s3:GetObject", Resource: `${arn}/documents/*` },
        {
          Sid: "ListDocuments",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: arn,
          Condition: { StringLike: { "s3:prefix": "documents/*" } },
        },
        {
          Sid: "DecryptDocuments",
          Effect: "Allow",
          Action: "kms:Decrypt",
          Resource: keyArn(),
          Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
        },
      ]);
    });
  });

  describe("seeding from other folders", () => {
    it("seeds a folder's documents at the bucket root when the prefix is empty", async () => {
      const dir = folder({ "b.json": "{}", "a.json": "[]", "README.md": "" });
      const evaluation = await build({ ...COMMON, contentDir: dir, keyPrefix: "" });
      assert.deepEqual(
        evaluation.resourcesOfType("aws:s3/bucketObjectv2:BucketObjectv2").map((o) => [o.name, o.inputs.key]),
        [
          ["documents-doc-a", "a.json"],
          ["documents-doc-b", "b.json"],
        ],
      );
      assert.equal(evaluation.outputs.readPolicy.Statement[0].Resource, `${evaluation.outputs.bucketArn}/*`);
      assert.equal(evaluation.outputs.documentCount, 2);
    });

    it("changes a document's hash when its content changes, so the object is updated", async () => {
      const before = folder({ "a.json": '{"v": 1}' });
      const after = folder({ "a.json": '{"v": 2}' });
      // One at a time: the mock runtime is global to the process.
      const one = await build({ ...COMMON, contentDir: before });
      const two = await build({ ...COMMON, contentDir: after });
      const hash = (e: Evaluation) => e.one("aws:s3/bucketObjectv2:BucketObjectv2").inputs.sourceHash;
      assert.equal(hash(one), sha256(path.join(before, "a.json")));
      assert.equal(hash(two), sha256(path.join(after, "a.json")));
      assert.notEqual(hash(one), hash(two));
    });

    it("builds an empty bucket from an empty folder", async () => {
      const evaluation = await build({ ...COMMON, contentDir: folder({}) });
      assert.equal(evaluation.resourcesOfType("aws:s3/bucketObjectv2:BucketObjectv2").length, 0);
      assert.equal(evaluation.outputs.documentCount, 0);
      assert.deepEqual(evaluation.outputs.documentKeys, []);
    });

    it("fails with every content problem and registers nothing when a file is broken or badly named", async () => {
      const dir = folder({ "ok.json": "{}", "broken.json": '{"a": 1,}', "bad name.json": "{}" });
      const evaluation = await runUnderMocks(() => {
        try {
          new JsonBucket("documents", { ...COMMON, contentDir: dir });
        } catch (err) {
          return { error: (err as Error).message };
        }
        return { error: "none" };
      });
      assert.equal(
        evaluation.outputs.error,
        `JsonBucket: ${dir}/bad name.json: key "bad name" has characters other than letters, digits, '-', '_' and '.'; ` +
          `${dir}/broken.json is not valid JSON: ${parseError('{"a": 1,}')}`,
      );
      assert.deepEqual(
        evaluation.resources.map((r) => r.type),
        ["pulumi:pulumi:Stack"],
      );
    });
  });
});
