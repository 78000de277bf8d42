/**
 * The private S3 bucket the service reads its JSON documents from, seeded from the content folder.
 *
 * The bucket is private (all four public-access-block flags, ACLs disabled by BucketOwnerEnforced), encrypted by
 * default (SSE-S3, or SSE-KMS with a key of its own and bucket keys), versioned with noncurrent versions expiring
 * after N days, and reachable over TLS only (a bucket policy denies `aws:SecureTransport = false`).
 *
 * Seeding: every document of the content folder (the rules are in contentFolder.ts, shared with the local run)
 * becomes the object `keyPrefix + file name` (content/foo.json -> documents/foo.json, served as GET /api/foo) with
 * `Content-Type: application/json`; an empty folder seeds nothing (documentCount 0) with a warning.
 * Every problem is collected and reported at once, before anything is registered, so `pulumi preview` fails
 * with the full list and nothing is deployed.
 *
 * Deletion: with `deletionProtection` the bucket, its configuration and its KMS key are retained on destroy (the
 * bucket stays private, encrypted, versioned and TLS-only) and the bucket is not force-destroyed. The seeded
 * objects are not retained: the folder is their source of truth, so removing a file must stop it being served;
 * the replaced version stays recoverable for `noncurrentVersionDays`, and the file stays in git. Without
 * protection (test) `forceDestroy` lets `pulumi destroy` empty and delete the bucket.
 */
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_MAX_DOCUMENT_BYTES, type SeedDocument, scanContentFolder } from "../service/src/contract";
import { SCHEMA } from "../stacks/schema";
import { denyInsecureTransport } from "./bucketPolicy";
import { type CommonArgs, componentProvider } from "./provider";

/** The project root, against which a relative content folder is resolved. */
const PROJECT_ROOT = path.resolve(__dirname, "..");

/** Encryption choices, as in the `bucketEncryption` config key. */
export type BucketEncryption = "sse-s3" | "sse-kms";
const ENCRYPTIONS: readonly string[] = ["sse-s3", "sse-kms"];

/** Days after which an unfinished multipart upload is aborted (its parts are billed until then). */
export const ABORT_MULTIPART_DAYS = 7;

/** A bucket-name prefix Pulumi's auto-naming can extend (`<name>-bucket-<7 chars>` stays within 63). */
const BUCKET_NAME_PREFIX = /^[a-z0-9][a-z0-9-]{0,47}$/;

export interface JsonBucketArgs extends CommonArgs {
  /** Folder of JSON documents, absolute or relative to the project root. Defaults to "content". */
  contentDir?: string;
  /** Prefix of every object key: empty, or path segments each ending in '/'. Defaults to "documents/". */
  keyPrefix?: string;
  /** Default encryption, "sse-s3" or "sse-kms" (a key of the bucket's own, with bucket keys). Defaults to "sse-s3". */
  bucketEncryption?: string;
  /** Days a replaced or deleted document version is kept before it expires. Defaults to 30. */
  noncurrentVersionDays?: number;
  /** Keep the bucket, its configuration and key on destroy, and never force-destroy it. Defaults to false. */
  deletionProtection?: boolean;
  /** Largest document in bytes, the service's MAX_DOCUMENT_BYTES; larger files are refused. Defaults to 1048576. */
  maxDocumentBytes?: number;
}

/** JsonBucketArgs with defaults applied and the content folder read and checked. */
export interface ResolvedJsonBucketArgs extends CommonArgs {
  contentDir: string;
  keyPrefix: string;
  bucketEncryption: BucketEncryption;
  noncurrentVersionDays: number;
  deletionProtection: boolean;
  maxDocumentBytes: number;
  documents: SeedDocument[];
}

/** Exported for tests: applies defaults, reads the content folder and reports every problem at once. */
export function resolveJsonBucketArgs(name: string, args: JsonBucketArgs): ResolvedJsonBucketArgs {
  const contentDir = args.contentDir ?? SCHEMA.contentDir.default;
  const keyPrefix = args.keyPrefix ?? SCHEMA.keyPrefix.default;
  const bucketEncryption = args.bucketEncryption ?? SCHEMA.bucketEncryption.default;
  const noncurrentVersionDays = args.noncurrentVersionDays ?? SCHEMA.noncurrentVersionDays.default;
  const problems: string[] = [];
  if (!BUCKET_NAME_PREFIX.test(name)) {
    problems.push(
      `name "${name}" cannot start a bucket name; use lower-case letters, digits and '-', starting with a letter or digit, at most 48 characters`,
    );
  }
  if (!(SCHEMA.keyPrefix.pattern as RegExp).test(keyPrefix)) {
    problems.push(`keyPrefix "${keyPrefix}" is not allowed; use ${SCHEMA.keyPrefix.patternDoc}`);
  }
  if (!ENCRYPTIONS.includes(bucketEncryption)) {
    problems.push(`bucketEncryption "${bucketEncryption}" is not allowed; use "sse-s3" or "sse-kms"`);
  }
  const { min = 1, max = 3650 } = SCHEMA.noncurrentVersionDays;
  if (
    !Number.isInteger(noncurrentVersionDays) ||
    noncurrentVersionDays < min ||
    noncurrentVersionDays > max
  ) {
    problems.push(
      `noncurrentVersionDays ${noncurrentVersionDays} is not allowed; use a whole number from ${min} to ${max}`,
    );
  }
  const maxDocumentBytes = args.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  const maxValid = Number.isInteger(maxDocumentBytes) && maxDocumentBytes >= 1;
  if (!maxValid) {
    problems.push(
      `maxDocumentBytes ${maxDocumentBytes} is not allowed; use a whole number of bytes, at least 1`,
    );
  }
  let documents: SeedDocument[] = [];
  if (contentDir === "") {
    problems.push("contentDir is empty; name the folder of JSON documents");
  } else {
    const scan = scanContentFolder(
      path.resolve(PROJECT_ROOT, contentDir),
      contentDir,
      // With an invalid limit, still report every other content problem.
      maxValid ? maxDocumentBytes : Number.POSITIVE_INFINITY,
    );
    documents = scan.documents;
    problems.push(...scan.problems);
  }
  if (problems.length > 0) throw new Error(`JsonBucket: ${problems.join("; ")}`);
  return {
    region: args.region,
    tags: args.tags,
    contentDir,
    keyPrefix,
    bucketEncryption: bucketEncryption as BucketEncryption,
    noncurrentVersionDays,
    deletionProtection: args.deletionProtection ?? SCHEMA.deletionProtection.default,
    maxDocumentBytes,
    documents,
  };
}

/** The bucket policy: refuse every request that does not arrive over TLS, whoever makes it. */
export function tlsOnlyPolicy(bucketArn: string): aws.iam.PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [denyInsecureTransport(bucketArn)],
  };
}

/**
 * Exactly what a reader of the documents needs: GetObject under the prefix, ListBucket limited to the prefix
 * (without ListBucket, S3 answers a missing key with 403 instead of 404; for that check S3 evaluates the
 * requested key as `s3:prefix`, so the condition still lets missing documents answer 404), and, with SSE-KMS,
 * Decrypt on the bucket's key through S3 only.
 */
export function readPolicy(
  bucketArn: string,
  keyPrefix: string,
  kms?: { keyArn: string; region: string },
): aws.iam.PolicyDocument {
  const statements: aws.iam.PolicyStatement[] = [
    { Sid: "ReadDocuments", Effect: "Allow", Action: "s3:GetObject", Resource: `${bucketArn}/${keyPrefix}*` },
    {
      Sid: "ListDocuments",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: bucketArn,
      Condition: { StringLike: { "s3:prefix": `${keyPrefix}*` } },
    },
  ];
  if (kms) {
    statements.push({
      Sid: "DecryptDocuments",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: kms.keyArn,
      Condition: { StringEquals: { "kms:ViaService": `s3.${kms.region}.amazonaws.com` } },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** A private, encrypted, versioned, TLS-only bucket of JSON documents seeded from the content folder. */
export class JsonBucket extends pulumi.ComponentResource {
  /** The bucket's name. */
  readonly bucketName: pulumi.Output<string>;
  /** The bucket's ARN. */
  readonly bucketArn: pulumi.Output<string>;
  /** Prefix of every document's object key (the service's KEY_PREFIX). */
  readonly keyPrefix: string;
  /** Number of documents seeded from the content folder. */
  readonly documentCount: number;
  /** Object keys of the seeded documents, in file name order. */
  readonly documentKeys: string[];
  /** ARN of the bucket's KMS key; undefined with SSE-S3. */
  readonly kmsKeyArn: pulumi.Output<string> | undefined;
  /** Read access to the documents, for the service's task role (`aws.iam.RolePolicy`'s `policy` takes it). */
  readonly readPolicy: pulumi.Output<aws.iam.PolicyDocument>;

  constructor(name: string, args: JsonBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate (and read every content file) before registering anything: a bad document leaves nothing behind.
    const resolved = resolveJsonBucketArgs(name, args);
    super("ecs-json-api:storage:JsonBucket", name, {}, opts);
    const provider = componentProvider(this, name, "JsonBucket", resolved);
    const child = { parent: this, provider };
    // Everything that keeps a retained bucket safe and readable is retained with it.
    const kept = { ...child, retainOnDelete: resolved.deletionProtection };

    const key =
      resolved.bucketEncryption === "sse-kms"
        ? new aws.kms.Key(
            `${name}-key`,
            {
              description: `Encrypts the objects of the ${name} documents bucket`,
              enableKeyRotation: true,
              deletionWindowInDays: resolved.deletionProtection ? 30 : 7,
            },
            kept,
          )
        : undefined;

    const bucket = new aws.s3.Bucket(`${name}-bucket`, { forceDestroy: !resolved.deletionProtection }, kept);
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access-block`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      kept,
    );
    const ownership = new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      kept,
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucket.id,
        rules: [
          {
            applyServerSideEncryptionByDefault: key
              ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }
              : { sseAlgorithm: "AES256" },
            // One data key per bucket instead of per object: far fewer (billed) KMS calls.
            ...(key ? { bucketKeyEnabled: true } : {}),
            // Customer-provided keys would make objects the service cannot read.
            blockedEncryptionTypes: ["SSE-C"],
          },
        ],
      },
      kept,
    );
    const versioning = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      kept,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: resolved.noncurrentVersionDays },
            // A delete marker with no versions left behind it only clutters listings.
            expiration: { expiredObjectDeleteMarker: true },
          },
          {
            id: "abort-incomplete-multipart-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_MULTIPART_DAYS },
          },
        ],
      },
      // Noncurrent-version rules are rejected until versioning is on.
      { ...kept, dependsOn: [versioning] },
    );
    new aws.s3.BucketPolicy(
      `${name}-policy`,
      { bucket: bucket.id, policy: pulumi.jsonStringify(bucket.arn.apply(tlsOnlyPolicy)) },
      // S3 rejects concurrent policy and public-access-block changes (OperationAborted): one after the other.
      { ...kept, dependsOn: [publicAccessBlock] },
    );

    for (const doc of resolved.documents) {
      new aws.s3.BucketObjectv2(
        `${name}-doc-${doc.key}`,
        {
          bucket: bucket.id,
          key: `${resolved.keyPrefix}${doc.fileName}`,
          source: new pulumi.asset.FileAsset(doc.path),
          // etag cannot detect changes under SSE-KMS; a hash of the validated bytes works for both.
          sourceHash: doc.sha256,
          contentType: "application/json",
        },
        // Written only once the bucket encrypts with the right key and keeps versions.
        { ...child, dependsOn: [ownership, encryption, versioning] },
      );
    }
    if (resolved.documents.length === 0) {
      pulumi.log.warn(`${resolved.contentDir} holds no *.json documents; the bucket starts empty`, this);
    }

    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.keyPrefix = resolved.keyPrefix;
    this.documentCount = resolved.documents.length;
    this.documentKeys = resolved.documents.map((d) => `${resolved.keyPrefix}${d.fileName}`);
    this.kmsKeyArn = key?.arn;
    this.readPolicy = pulumi
      .all([bucket.arn, key?.arn])
      .apply(([arn, keyArn]) =>
        readPolicy(arn, resolved.keyPrefix, keyArn ? { keyArn, region: resolved.region } : undefined),
      );

    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      keyPrefix: this.keyPrefix,
      documentCount: this.documentCount,
      documentKeys: this.documentKeys,
      kmsKeyArn: this.kmsKeyArn,
      readPolicy: this.readPolicy,
    });
  }
}
