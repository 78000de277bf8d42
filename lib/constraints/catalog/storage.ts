/** S3: buckets and their lifecycle, encryption, versioning, ownership, policy, public access block, logging, objects. */
import { autoName } from "../autoname";
import { apiReference, botocore } from "../botocore";
import type { Rule, TypeConstraints } from "../model";
import { crossField, custom, length, notPrefixed, notSuffixed, pattern, range } from "../rules";
import { NO_CONSTRAINT, tagRules } from "./common";
import { s3BucketNaming, s3BucketPolicySize, s3ObjectKeys } from "./docs";
import { policyDocument } from "./policyLanguage";

/** The general purpose bucket naming rules. */
export const BUCKET_NAME: Rule[] = [
  length(3, 63, s3BucketNaming("Bucket names must be between 3 (min) and 63 (max) characters long.")),
  pattern(
    /[a-z0-9.-]+/,
    "lowercase letters, numbers, dots and hyphens",
    s3BucketNaming("Bucket names can consist only of lowercase letters, numbers, dots (.), and hyphens (-)."),
    ["My-Bucket", "my_bucket", "état-logs"],
  ),
  pattern(
    /[a-z0-9](.*[a-z0-9])?/,
    "begins and ends with a letter or number",
    s3BucketNaming("Bucket names must begin and end with a letter or number."),
    ["-logs", "logs-", "logs."],
  ),
  custom(
    "no two adjacent periods",
    s3BucketNaming("Bucket names must not contain two adjacent periods."),
    (v) => (String(v).includes("..") ? "contains two adjacent periods" : undefined),
    ["my..bucket"],
  ),
  custom(
    "not formatted as an IP address",
    s3BucketNaming("Bucket names must not be formatted as an IP address (for example, 192.168.5.4)."),
    (v) => (/^\d{1,3}(\.\d{1,3}){3}$/.test(String(v)) ? "is formatted as an IP address" : undefined),
    ["192.168.5.4"],
  ),
  notPrefixed(
    ["xn--", "sthree-", "amzn-s3-demo-"],
    s3BucketNaming("Bucket names must not start with the prefix xn--."),
  ),
  notSuffixed(
    ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"],
    s3BucketNaming("Bucket names must not end with the suffix -s3alias."),
  ),
];

const S3_TAGS = tagRules();

/** A field naming an existing bucket (the configuration resources' `bucket`). */
const bucketRef = { bucket: BUCKET_NAME } as const;

export const STORAGE: Record<string, TypeConstraints> = {
  "aws:s3/bucket:Bucket": {
    autoName: autoName(
      "bucket",
      63,
      '"aws_s3_bucket": ... "bucket": tfbridge.AutoNameTransform("bucket", 63, func(name string) string { return strings.ToLower(name) })',
      { transform: "lowercase" },
    ),
    fields: { bucket: BUCKET_NAME },
    unconstrained: {
      forceDestroy: NO_CONSTRAINT.providerOnly,
      objectLockEnabled: NO_CONSTRAINT.boolean,
      bucketPrefix: NO_CONSTRAINT.prefix,
    },
    tags: S3_TAGS,
  },
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
    fields: {
      ...bucketRef,
      rules: [
        custom(
          "at most 1,000 rules",
          {
            kind: "documentation",
            ref: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html",
            url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html",
            title: "Lifecycle configuration elements",
            quote: "A lifecycle configuration can have up to 1,000 rules.",
          },
          (v) => (Array.isArray(v) && v.length > 1000 ? `has ${v.length} rules` : undefined),
          [Array.from({ length: 1001 }, (_, n) => ({ id: `r${n}`, status: "Enabled" }))],
        ),
      ],
      "rules[].id": [
        length(
          undefined,
          255,
          apiReference("s3", "LifecycleRule.ID", "The value cannot be longer than 255 characters."),
        ),
      ],
      "rules[].status": [botocore("s3", "LifecycleRule.Status")],
      "rules[].expiration.days": [
        range(
          1,
          undefined,
          apiReference("s3", "LifecycleExpiration.Days", "The value must be a non-zero positive integer."),
          { integer: true },
        ),
      ],
      "rules[].noncurrentVersionExpiration.noncurrentDays": [
        range(
          1,
          undefined,
          apiReference(
            "s3",
            "NoncurrentVersionExpiration.NoncurrentDays",
            "The value must be a non-zero positive integer.",
          ),
          { integer: true },
        ),
      ],
      "rules[].noncurrentVersionExpiration.newerNoncurrentVersions": [
        range(
          1,
          100,
          apiReference(
            "s3",
            "NoncurrentVersionExpiration.NewerNoncurrentVersions",
            "Specifies how many noncurrent versions Amazon S3 will retain. You can specify up to 100 noncurrent versions to retain.",
          ),
          { integer: true },
        ),
      ],
      "rules[].abortIncompleteMultipartUpload.daysAfterInitiation": [
        range(
          1,
          undefined,
          apiReference(
            "s3",
            "AbortIncompleteMultipartUpload.DaysAfterInitiation",
            "Specifies the number of days after which Amazon S3 aborts an incomplete multipart upload.",
          ),
          { integer: true },
        ),
      ],
      "rules[].filter.prefix": [length(undefined, 1024, s3ObjectKeys)],
    },
    unconstrained: {
      "rules[].filter": "an empty filter applies the rule to every object",
      "rules[].expiration.expiredObjectDeleteMarker": NO_CONSTRAINT.boolean,
      expectedBucketOwner: NO_CONSTRAINT.reference,
    },
    resource: [
      crossField(
        ["rules[].expiration.expiredObjectDeleteMarker", "rules[].expiration.days"],
        "expiredObjectDeleteMarker not with days or date in one expiration",
        apiReference(
          "s3",
          "LifecycleExpiration.ExpiredObjectDeleteMarker",
          "This cannot be specified with Days or Date in a Lifecycle Expiration Policy.",
        ),
        (i) => {
          const rules = (Array.isArray(i.rules) ? i.rules : []) as { expiration?: Record<string, unknown> }[];
          const n = rules.findIndex(
            (r) =>
              r.expiration?.expiredObjectDeleteMarker !== undefined &&
              (r.expiration.days !== undefined || r.expiration.date !== undefined),
          );
          return n >= 0
            ? {
                path: `rules[${n}].expiration.expiredObjectDeleteMarker`,
                problem: "is set with days or date",
              }
            : undefined;
        },
        [
          {
            rules: [
              { id: "r", status: "Enabled", expiration: { days: 30, expiredObjectDeleteMarker: true } },
            ],
          },
        ],
      ),
    ],
  },
  "aws:s3/bucketObjectv2:BucketObjectv2": {
    fields: {
      ...bucketRef,
      key: [
        custom(
          "at most 1,024 bytes of UTF-8",
          s3ObjectKeys,
          (v) => {
            const n = Buffer.byteLength(String(v), "utf8");
            return n > 1024 ? `is ${n} bytes` : undefined;
          },
          ["é".repeat(513)],
        ),
        botocore("s3", "PutObjectRequest.Key"),
      ],
      contentType: [
        pattern(
          /[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*;.*)?/,
          "a MIME type (type/subtype)",
          apiReference(
            "s3",
            "PutObjectRequest.ContentType",
            "A standard MIME type describing the format of the contents.",
          ),
          ["json", "application json", "text/"],
        ),
      ],
    },
    unconstrained: {
      "source.*": NO_CONSTRAINT.pulumiAsset,
      sourceHash: NO_CONSTRAINT.providerOnly,
    },
    tags: S3_TAGS,
  },
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {
    fields: {
      ...bucketRef,
      "rule.objectOwnership": [botocore("s3", "OwnershipControlsRule.ObjectOwnership")],
    },
  },
  "aws:s3/bucketPolicy:BucketPolicy": {
    fields: {
      ...bucketRef,
      policy: [
        ...policyDocument(undefined, "resource"),
        custom(
          "at most 20 KB",
          s3BucketPolicySize,
          (v) => {
            const n = Buffer.byteLength(String(v), "utf8");
            return n > 20 * 1024 ? `is ${n} bytes` : undefined;
          },
          [JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "x".repeat(20 * 1024) }] })],
        ),
      ],
    },
  },
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
    fields: { ...bucketRef },
    unconstrained: {
      blockPublicAcls: NO_CONSTRAINT.boolean,
      blockPublicPolicy: NO_CONSTRAINT.boolean,
      ignorePublicAcls: NO_CONSTRAINT.boolean,
      restrictPublicBuckets: NO_CONSTRAINT.boolean,
      skipDestroy: NO_CONSTRAINT.providerOnly,
    },
  },
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
    fields: {
      ...bucketRef,
      "rules[].applyServerSideEncryptionByDefault.sseAlgorithm": [
        botocore("s3", "ServerSideEncryptionByDefault.SSEAlgorithm"),
      ],
      "rules[].blockedEncryptionTypes[]": [botocore("s3", "BlockedEncryptionTypes.EncryptionType", "each")],
    },
    unconstrained: {
      "rules[].applyServerSideEncryptionByDefault.kmsMasterKeyId": NO_CONSTRAINT.reference,
      "rules[].bucketKeyEnabled": NO_CONSTRAINT.boolean,
      expectedBucketOwner: NO_CONSTRAINT.reference,
    },
    resource: [
      crossField(
        [
          "rules[].applyServerSideEncryptionByDefault.kmsMasterKeyId",
          "rules[].applyServerSideEncryptionByDefault.sseAlgorithm",
        ],
        "a KMS key only with aws:kms or aws:kms:dsse",
        apiReference(
          "s3",
          "ServerSideEncryptionByDefault.KMSMasterKeyID",
          "General purpose buckets - This parameter is allowed if and only if SSEAlgorithm is set to aws:kms or aws:kms:dsse.",
        ),
        (i) => {
          const rules = (Array.isArray(i.rules) ? i.rules : []) as {
            applyServerSideEncryptionByDefault?: { sseAlgorithm?: string; kmsMasterKeyId?: string };
          }[];
          const n = rules.findIndex(
            (r) =>
              r.applyServerSideEncryptionByDefault?.kmsMasterKeyId &&
              !["aws:kms", "aws:kms:dsse"].includes(r.applyServerSideEncryptionByDefault.sseAlgorithm ?? ""),
          );
          return n >= 0
            ? {
                path: `rules[${n}].applyServerSideEncryptionByDefault.kmsMasterKeyId`,
                problem: "is set without aws:kms",
              }
            : undefined;
        },
        [
          {
            rules: [
              {
                applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256", kmsMasterKeyId: "alias/logs" },
              },
            ],
          },
        ],
      ),
    ],
  },
  "aws:s3/bucketVersioning:BucketVersioning": {
    fields: {
      ...bucketRef,
      "versioningConfiguration.status": [botocore("s3", "VersioningConfiguration.Status")],
    },
    unconstrained: {
      "versioningConfiguration.mfaDelete": "Enabled or Disabled; set only with the root user's MFA",
    },
  },
  "aws:s3/bucketLogging:BucketLogging": {
    fields: {
      ...bucketRef,
      targetBucket: BUCKET_NAME,
      targetPrefix: [length(undefined, 1024, s3ObjectKeys)],
      "targetObjectKeyFormat.partitionedPrefix.partitionDateSource": [
        botocore("s3", "PartitionedPrefix.PartitionDateSource"),
      ],
      "targetGrants[].permission": [botocore("s3", "TargetGrant.Permission")],
      "targetGrants[].grantee.type": [botocore("s3", "Grantee.Type")],
    },
    unconstrained: {
      expectedBucketOwner: NO_CONSTRAINT.reference,
      "targetObjectKeyFormat.simplePrefix": "an empty object chooses the simple key format",
      "targetGrants[].grantee.id": NO_CONSTRAINT.reference,
    },
  },
};
