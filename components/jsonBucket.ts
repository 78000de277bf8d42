/**
 * The private S3 bucket the service reads its JSON documents from, seeded from the content folder.
 *
 * The bucket is hardened by createPrivateBucket (private, encrypted, TLS-only, versioned) with noncurrent
 * versions expiring after N days; with SSE-KMS it gets a key of its own, rotated, with bucket keys. With
 * `accessLogs`, S3 server access logs of the documents bucket (Security Hub S3.9) go to a second private bucket
 * of its own, which only S3's log delivery may write to, for this bucket's logs only, expiring after
 * `logRetentionDays`.
 *
 * Seeding: every document of the content folder (the rules are the service contract's, shared with the local
 * run) becomes the object `keyPrefix + file name` (content/foo.json -> documents/foo.json, served as GET /api/foo)
 * with `Content-Type: application/json`; an empty folder seeds nothing (documentCount 0) with a warning. Every
 * problem is collected and reported at once, so `pulumi preview` fails with the full list and nothing is
 * deployed.
 *
 * Deletion: with `deletionProtection` the buckets, their configuration, the KMS key and the seeded objects are
 * retained on destroy and the buckets are not force-destroyed. The objects are retained because the provider
 * deletes an object in a versioned bucket with all its versions: a file removed from the folder then stays in
 * the bucket (still served) until an operator deletes it with `aws s3 rm`, which leaves a delete marker and
 * keeps the versions for `noncurrentVersionDays` (the runbook's "Remove a document"). A changed file only adds a
 * version. Without protection (test) a removed file's object goes with its versions, and `forceDestroy` lets
 * `pulumi destroy` empty and delete the buckets.
 */
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_MAX_DOCUMENT_BYTES, type SeedDocument, scanContentFolder } from "../service/src/contract";
import {
  type ArgValues,
  argName,
  boolean,
  checkArgs,
  integer,
  type Label,
  string,
  throwIfProblems,
  type ValueOf,
  valueProblems,
} from "./args";
import { logRetentionDays } from "./logRetention";
import { createPrivateBucket, logServerAccess } from "./privateBucket";
import { type CommonArgs, componentProvider, regionOf } from "./provider";

/** The project root, against which a relative content folder is resolved. */
const PROJECT_ROOT = path.resolve(__dirname, "..");

/** Encryption choices. */
export type BucketEncryption = "sse-s3" | "sse-kms";

/** The S3 service principal that delivers server access logs (S3 user guide, "Enabling Amazon S3 server access logging"). */
export const S3_LOG_DELIVERY_PRINCIPAL = "logging.s3.amazonaws.com";

/** A bucket-name prefix Pulumi's auto-naming can extend (`<name>-bucket-<7 chars>` stays within 63). */
const BUCKET_NAME_PREFIX = /^[a-z0-9][a-z0-9-]{0,47}$/;

/** The access-log bucket's logical name; auto-named `<it>-<7 chars>`, so it must leave 8 of S3's 63. */
const accessLogBucketName = (name: string) => `${name}-access-logs`;

/** JsonBucket's arguments: each one's default, documentation and rule. */
export const JSON_BUCKET_ARGS = {
  contentDir: string(
    "Folder of JSON documents seeded into the bucket, relative to the project root.",
    "content",
    {
      pattern: /^(?!\/)(?!.*\.\.)[A-Za-z0-9_./-]+$/,
      patternDoc: "a relative path inside the project",
    },
  ),
  keyPrefix: string("Prefix of the document keys in the bucket; empty or ending in `/`.", "documents/", {
    pattern: /^([A-Za-z0-9][A-Za-z0-9_.-]{0,62}\/){0,4}$/,
    patternDoc: "empty, or up to 4 path segments of letters, digits, '-', '_', '.', each ending in '/'",
  }),
  bucketEncryption: string(
    "Default encryption of the bucket: S3-managed keys or a KMS key with bucket keys.",
    "sse-s3",
    { oneOf: ["sse-s3", "sse-kms"] },
  ),
  noncurrentVersionDays: integer(
    "Days a replaced or deleted document version is kept before it expires.",
    30,
    {
      min: 1,
      max: 3650,
    },
  ),
  deletionProtection: boolean(
    "Keep the buckets, their settings and key on `pulumi destroy` (no forceDestroy).",
    false,
  ),
  maxDocumentBytes: integer(
    "Largest document in bytes, the service's MAX_DOCUMENT_BYTES; larger files are refused.",
    DEFAULT_MAX_DOCUMENT_BYTES,
    { min: 1, max: 67_108_864 },
  ),
  accessLogs: boolean(
    "Write S3 server access logs of the documents bucket to a log bucket of its own (Security Hub S3.9).",
    false,
  ),
  logRetentionDays: { ...logRetentionDays, doc: "Days the server access logs are kept." },
} as const;

type Given = { [K in keyof typeof JSON_BUCKET_ARGS]?: ValueOf<(typeof JSON_BUCKET_ARGS)[K]> };

export interface JsonBucketArgs extends CommonArgs, Given {
  /** Folder of JSON documents, relative to the project root and inside it. Defaults to "content". */
  contentDir?: string;
  /** Prefix of every object key: empty, or path segments each ending in '/'. Defaults to "documents/". */
  keyPrefix?: string;
  /** Default encryption, "sse-s3" or "sse-kms" (a key of the bucket's own, with bucket keys). Defaults to "sse-s3". */
  bucketEncryption?: string;
  /** Days a replaced or deleted document version is kept before it expires. Defaults to 30. */
  noncurrentVersionDays?: number;
  /** Keep the buckets, their configuration and key on destroy, and never force-destroy them. Defaults to false. */
  deletionProtection?: boolean;
  /** Largest document in bytes, the service's MAX_DOCUMENT_BYTES; larger files are refused. Defaults to 1048576. */
  maxDocumentBytes?: number;
  /** Log every request to the documents bucket to a log bucket of its own. Defaults to false. */
  accessLogs?: boolean;
  /** Days the access logs are kept (a CloudWatch Logs retention value, for one rule everywhere). Defaults to 7. */
  logRetentionDays?: number;
}

/** JsonBucketArgs with defaults applied and the content folder read and checked. */
export interface ResolvedJsonBucketArgs extends ArgValues<typeof JSON_BUCKET_ARGS> {
  bucketEncryption: BucketEncryption;
  documents: SeedDocument[];
}

/**
 * Every problem with the arguments and with the content folder they name, each naming its argument through
 * `label`; `name` is the component's name, checked because the bucket is auto-named from it.
 */
export function jsonBucketProblems(
  name: string,
  args: JsonBucketArgs,
  label: Label = argName,
): { values: ArgValues<typeof JSON_BUCKET_ARGS>; documents: SeedDocument[]; problems: string[] } {
  const { values, problems } = checkArgs(JSON_BUCKET_ARGS, args, label);
  if (!BUCKET_NAME_PREFIX.test(name)) {
    problems.push(
      `name "${name}" cannot start a bucket name; use lower-case letters, digits and '-', starting with a letter or digit, at most 48 characters`,
    );
  } else if (values.accessLogs === true && accessLogBucketName(name).length + 8 > 63) {
    const longest = 63 - 8 - (accessLogBucketName(name).length - name.length);
    problems.push(
      `name "${name}" is ${name.length} characters; with ${label("accessLogs")} the log bucket's name "${accessLogBucketName(name)}-" plus 7 random characters would exceed S3's 63; use at most ${longest}`,
    );
  }
  let documents: SeedDocument[] = [];
  // Only a folder the rule accepts is read: an absolute or `..` path is refused, not scanned for more problems.
  if (valueProblems("contentDir", JSON_BUCKET_ARGS.contentDir, values.contentDir).length === 0) {
    const validLimit = Number.isInteger(values.maxDocumentBytes) && values.maxDocumentBytes >= 1;
    const scan = scanContentFolder(
      path.resolve(PROJECT_ROOT, values.contentDir),
      values.contentDir,
      // With an invalid limit, still report every other content problem.
      validLimit ? values.maxDocumentBytes : Number.POSITIVE_INFINITY,
    );
    documents = scan.documents;
    problems.push(...scan.problems.map((p) => `${label("contentDir")}: ${p}`));
  }
  return { values, documents, problems };
}

/** Applies defaults and reads the content folder; throws an ArgumentError listing every problem. */
export function resolveJsonBucketArgs(name: string, args: JsonBucketArgs): ResolvedJsonBucketArgs {
  const { values, documents, problems } = jsonBucketProblems(name, args);
  throwIfProblems("JsonBucket", problems);
  return { ...values, bucketEncryption: values.bucketEncryption as BucketEncryption, documents };
}

/**
 * Exactly what a reader of the documents needs: GetObject under the prefix, ListBucket on the bucket (without
 * it S3 answers a missing key with 403 AccessDenied instead of 404 NoSuchKey: S3 API reference, GetObject,
 * "Permissions"), and, with SSE-KMS, Decrypt on the bucket's key through S3 only. ListBucket is not narrowed
 * by an `s3:prefix` condition: AWS documents the 404 for callers holding ListBucket on the bucket, not for a
 * prefix-scoped grant, and the bucket holds nothing but the documents the service may already read.
 */
export function readPolicy(
  bucketArn: string,
  keyPrefix: string,
  kms?: { keyArn: string; region: string },
): aws.iam.PolicyDocument {
  const statements: aws.iam.PolicyStatement[] = [
    { Sid: "ReadDocuments", Effect: "Allow", Action: "s3:GetObject", Resource: `${bucketArn}/${keyPrefix}*` },
    { Sid: "ListDocuments", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
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

/**
 * The access-log bucket's own statements: S3's log delivery may write under the prefix, only for the documents
 * bucket of this account (confused-deputy guard; S3 user guide, "Permissions for log delivery").
 */
export function accessLogDeliveryStatements(
  logBucketArn: string,
  prefix: string,
  sourceBucketArn: string,
  accountId: string,
): aws.iam.PolicyStatement[] {
  return [
    {
      Sid: "AllowS3ServerAccessLogDelivery",
      Effect: "Allow",
      Principal: { Service: S3_LOG_DELIVERY_PRINCIPAL },
      Action: "s3:PutObject",
      Resource: `${logBucketArn}/${prefix}*`,
      Condition: {
        ArnLike: { "aws:SourceArn": sourceBucketArn },
        StringEquals: { "aws:SourceAccount": accountId },
      },
    },
  ];
}

/** What another component needs of the documents: where they are and how to read them. */
export interface DocumentStore {
  /** The bucket's name. */
  readonly bucketName: pulumi.Input<string>;
  /** Prefix of every document's object key. */
  readonly keyPrefix: string;
  /** Read access to the documents, for a task role's policy. */
  readonly readPolicy: pulumi.Input<aws.iam.PolicyDocument>;
}

/** The largest document a smoke test names with its content. */
const SAMPLE_MAX_BYTES = 2048;

/** Where the server access logs go inside the log bucket. */
const ACCESS_LOG_PREFIX = "s3-access/";

/** A private, encrypted, versioned, TLS-only bucket of JSON documents seeded from the content folder. */
export class JsonBucket extends pulumi.ComponentResource implements DocumentStore {
  /** The documents bucket. */
  readonly bucket: aws.s3.Bucket;
  /** The bucket holding its server access logs; undefined without `accessLogs`. */
  readonly accessLogBucket: aws.s3.Bucket | undefined;
  /** The bucket's KMS key; undefined with SSE-S3. */
  readonly key: aws.kms.Key | undefined;
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
  /** The seeded documents' objects, in file name order: what a service reading them waits for. */
  readonly documents: aws.s3.BucketObjectv2[];
  /** Read access to the documents, for the service's task role (`aws.iam.RolePolicy`'s `policy` takes it). */
  readonly readPolicy: pulumi.Output<aws.iam.PolicyDocument>;
  /**
   * The first seeded document small enough (2 KiB) to name in a smoke test, with its JSON value; undefined when
   * there is none.
   */
  readonly sample: { key: string; json: unknown } | undefined;

  constructor(name: string, args: JsonBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-json-api:storage:JsonBucket", name, {}, opts);
    const r = resolveJsonBucketArgs(name, args);
    const provider = componentProvider(this, name, "JsonBucket", args, opts);
    const child = { parent: this, provider };
    const region = regionOf(this, provider);
    const kept = { ...child, retainOnDelete: r.deletionProtection };

    const key =
      r.bucketEncryption === "sse-kms"
        ? new aws.kms.Key(
            `${name}-key`,
            {
              description: `Encrypts the objects of the ${name} documents bucket`,
              enableKeyRotation: true,
              deletionWindowInDays: r.deletionProtection ? 30 : 7,
            },
            kept,
          )
        : undefined;

    const documents = createPrivateBucket(
      name,
      `${name}-bucket`,
      {
        kmsKeyArn: key?.arn,
        noncurrentVersionDays: r.noncurrentVersionDays,
        forceDestroy: !r.deletionProtection,
        retainOnDelete: r.deletionProtection,
      },
      child,
    );
    const bucket = documents.bucket;

    if (r.accessLogs) {
      const accountId = aws.getCallerIdentityOutput({}, child).accountId;
      // Server access logs need SSE-S3 on the target bucket (S3 user guide, "Enabling Amazon S3 server access
      // logging": SSE-KMS target buckets are not supported), and a log bucket does not log itself.
      const logs = createPrivateBucket(
        accessLogBucketName(name),
        accessLogBucketName(name),
        {
          expirationDays: r.logRetentionDays,
          noncurrentVersionDays: 1,
          abortMultipartDays: 1,
          forceDestroy: !r.deletionProtection,
          retainOnDelete: r.deletionProtection,
          policyStatements: (logBucketArn) =>
            pulumi
              .all([accountId, bucket.arn])
              .apply(([account, sourceArn]) =>
                accessLogDeliveryStatements(logBucketArn, ACCESS_LOG_PREFIX, sourceArn, account),
              ),
        },
        child,
      );
      logServerAccess(
        `${name}-server-access-logs`,
        bucket,
        { bucket: logs.bucket.bucket, prefix: ACCESS_LOG_PREFIX },
        { ...kept, dependsOn: logs.ready },
      );
      this.accessLogBucket = logs.bucket;
    } else {
      this.accessLogBucket = undefined;
    }

    this.documents = r.documents.map(
      (doc) =>
        new aws.s3.BucketObjectv2(
          `${name}-doc-${doc.key}`,
          {
            bucket: bucket.id,
            key: `${r.keyPrefix}${doc.fileName}`,
            source: new pulumi.asset.FileAsset(doc.path),
            // etag cannot detect changes under SSE-KMS; a hash of the validated bytes works for both.
            sourceHash: doc.sha256,
            contentType: "application/json",
          },
          // Written only once the bucket encrypts with the right key, keeps versions and is locked down. With
          // deletionProtection a document removed from the folder stays in the bucket: the provider deletes an
          // object in a versioned bucket with every one of its versions (terraform-provider-aws, s3 object
          // delete: deleteAllObjectVersions), which would lose the history noncurrentVersionDays promises.
          { ...child, dependsOn: documents.ready, retainOnDelete: r.deletionProtection },
        ),
    );
    if (r.documents.length === 0) {
      pulumi.log.warn(`${r.contentDir} holds no *.json documents; the bucket starts empty`, this);
    }

    const small = r.documents.find((d) => statSync(d.path).size <= SAMPLE_MAX_BYTES);
    this.sample = small ? { key: small.key, json: JSON.parse(readFileSync(small.path, "utf8")) } : undefined;
    this.bucket = bucket;
    this.key = key;
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.keyPrefix = r.keyPrefix;
    this.documentCount = r.documents.length;
    this.documentKeys = r.documents.map((d) => `${r.keyPrefix}${d.fileName}`);
    this.readPolicy = pulumi
      .all([bucket.arn, key?.arn, region])
      .apply(([arn, keyArn, reg]) =>
        readPolicy(arn, r.keyPrefix, keyArn ? { keyArn, region: reg } : undefined),
      );

    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      keyPrefix: this.keyPrefix,
      documentCount: this.documentCount,
      documentKeys: this.documentKeys,
      readPolicy: this.readPolicy,
    });
  }
}
