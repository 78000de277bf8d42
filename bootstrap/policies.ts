/**
 * The IAM documents of the bootstrap, as pure functions of plain strings so the tests can evaluate them: the
 * state bucket's and the secrets key's resource policies, the roles' trust policies, and the preview role's
 * state access. The deploy roles' permissions are in deployPolicy.ts, the workload boundary in boundary.ts.
 * docs/delivery.md explains each choice; where a grant is broad, the comment says why.
 */
import type * as aws from "@pulumi/aws";
import { CI_IAM_PATH } from "../components/iam";
import { privateBucketPolicy } from "../components/privateBucket";

/** GitHub Actions' OIDC issuer, without the scheme (the prefix of its IAM condition keys). */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience `aws-actions/configure-aws-credentials` asks GitHub for. */
export const STS_AUDIENCE = "sts.amazonaws.com";

/** Where the CI roles live: outside the program's IAM path, so a deploy role can never edit a CI role. */
export const CI_ROLE_PATH = CI_IAM_PATH;

/** The repository whose workflows may assume the roles. */
export interface GitHubRepository {
  owner: string;
  name: string;
  /** Numeric ids: GitHub's immutable sub claim, `repo:owner@id/name@id:...`. */
  ids?: { owner: string; repository: string };
}

/** The sub claim prefix of the repository: `repo:OWNER/NAME`, or `repo:OWNER@ID/NAME@ID` (immutable). */
export function subjectPrefix(repo: GitHubRepository): string {
  return repo.ids
    ? `repo:${repo.owner}@${repo.ids.owner}/${repo.name}@${repo.ids.repository}`
    : `repo:${repo.owner}/${repo.name}`;
}

/**
 * Trust for a workflow job of the repository whose sub claim is exactly `subject`. StringEquals, not
 * StringLike: no wildcard can widen it to other branches, environments or repositories.
 */
export function githubTrustPolicy(providerArn: string, subject: string): aws.iam.PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "GitHubActions",
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: STS_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: subject,
          },
        },
      },
    ],
  };
}

/**
 * A deploy job's subject. A job that names a GitHub environment gets `...:environment:<name>` (not its branch),
 * so the trust names the environment, and the environment's deployment branch rule (main only) and required
 * reviewers (prod) are what GitHub checks before it issues the token.
 */
export function environmentSubject(repo: GitHubRepository, environment: string): string {
  return `${subjectPrefix(repo)}:environment:${environment}`;
}

/** A pull request job's subject (same-repository branches; forks get no token at all). */
export function pullRequestSubject(repo: GitHubRepository): string {
  return `${subjectPrefix(repo)}:pull_request`;
}

/**
 * The state bucket's policy: TLS only, and no upload that names an encryption other than KMS.
 *
 * An upload that names no encryption must pass: Pulumi's S3 backend sends no encryption header, and S3 evaluates
 * the bucket policy before it applies default encryption (the KMS key, bucket-encryption.html), so a Deny that
 * matched a missing header would refuse every lock, checkpoint and `pulumi stack init`. A negated operator is
 * true for a missing key, with or without IfExists (reference_policies_elements_condition_operators.html), so
 * the Null test is what confines the Deny to requests that carry the header.
 */
export function stateBucketPolicy(bucketArn: string): aws.iam.PolicyDocument {
  return privateBucketPolicy(bucketArn, [denyNonKmsEncryption(bucketArn)]);
}

/** The state bucket's own statement after the TLS-only Deny every private bucket has (see stateBucketPolicy). */
export function denyNonKmsEncryption(bucketArn: string): aws.iam.PolicyStatement {
  return {
    Sid: "DenyNonKmsEncryption",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:PutObject",
    Resource: `${bucketArn}/*`,
    Condition: {
      StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
      Null: { "s3:x-amz-server-side-encryption": "false" },
    },
  };
}

/**
 * The secrets key's policy: the account's IAM policies decide who uses it (the CI roles' own policies grant
 * exactly their use). Without this statement, nobody, not even the account's administrators, could manage it.
 */
export function stateKeyPolicy(partition: string, accountId: string): aws.iam.PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountIamPoliciesDecide",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ],
  };
}

/**
 * The preview role's own permissions on top of AWS's ReadOnlyAccess: read every stack's state and decrypt its
 * secrets (a preview never writes state, and takes no lock, in a DIY backend).
 */
export function previewStatePolicy(stateBucketArn: string, stateKeyArn: string): aws.iam.PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "StateBucketList", Effect: "Allow", Action: "s3:ListBucket", Resource: stateBucketArn },
      { Sid: "StateRead", Effect: "Allow", Action: "s3:GetObject", Resource: `${stateBucketArn}/.pulumi/*` },
      {
        Sid: "StateKeyDecrypt",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:DescribeKey"],
        Resource: stateKeyArn,
      },
    ],
  };
}
