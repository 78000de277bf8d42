/**
 * The IAM documents of the bootstrap, as pure functions of plain strings so the tests read them exactly: the
 * state bucket's and the secrets key's resource policies, the roles' trust policies, and what each role may do.
 * docs/delivery.md explains each choice; where a grant is broad, the comment says why.
 */
import type * as aws from "@pulumi/aws";
import { denyInsecureTransport } from "../components/bucketPolicy";

/** GitHub Actions' OIDC issuer, without the scheme (the prefix of its IAM condition keys). */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience `aws-actions/configure-aws-credentials` asks GitHub for. */
export const STS_AUDIENCE = "sts.amazonaws.com";

/** Where the CI roles live: outside the program's IAM path, so a deploy role can never edit a CI role. */
export const CI_ROLE_PATH = "/ci/";

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
  return {
    Version: "2012-10-17",
    Statement: [
      denyInsecureTransport(bucketArn),
      {
        Sid: "DenyNonKmsEncryption",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: `${bucketArn}/*`,
        Condition: {
          StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
          Null: { "s3:x-amz-server-side-encryption": "false" },
        },
      },
    ],
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

/** Where a stack's files live in a Pulumi DIY (S3) backend, for project `project` and stack `stack`. */
export function stackStateObjects(bucketArn: string, project: string, stack: string): string[] {
  const root = `${bucketArn}/.pulumi`;
  return [
    `${root}/stacks/${project}/${stack}.*`, // the checkpoint (.json, .json.gz, .json.bak) and its tags
    `${root}/history/${project}/${stack}/*`,
    `${root}/backups/${project}/${stack}/*`,
    `${root}/journal/${project}/${stack}/*`,
    `${root}/locks/organization/${project}/${stack}/*`,
  ];
}

/** The AWS services whose resources the program creates, updated and deleted by the deploy roles. */
export const PROGRAM_SERVICES = [
  "acm",
  "application-autoscaling",
  "autoscaling",
  "cloudwatch",
  "ec2",
  "ecr",
  "ecs",
  "elasticloadbalancing",
  "kms",
  "logs",
  "route53",
  "s3",
  "sns",
] as const;

/** Services the program's roles are handed to (the tasks, the container instances, VPC flow logs). */
export const PASSED_TO_SERVICES = [
  "ec2.amazonaws.com",
  "ecs-tasks.amazonaws.com",
  "vpc-flow-logs.amazonaws.com",
];

/** Service-linked roles the program's resources need on first use in an account. */
export const SERVICE_LINKED_ROLES = [
  "autoscaling.amazonaws.com",
  "ecs.amazonaws.com",
  "ecs.application-autoscaling.amazonaws.com",
  "elasticloadbalancing.amazonaws.com",
  "spot.amazonaws.com",
];

/** What a deploy role's permissions are drawn from. */
export interface DeployPolicyArgs {
  partition: string;
  accountId: string;
  /** ARN of the state bucket. */
  stateBucketArn: string;
  /** ARN of the state and secrets key. */
  stateKeyArn: string;
  /** The Pulumi project deployed. */
  project: string;
  /** The stack this role deploys: it may write that stack's state only. */
  stack: string;
  /** IAM path of every role, instance profile and policy the program creates, e.g. `/ecs-json-api/`. */
  iamPath: string;
}

/**
 * A deploy role's permissions: its own stack's state and the secrets key; full control of the services the
 * program uses, outside the state bucket and key; IAM only under the program's path.
 */
export function deployPolicy(a: DeployPolicyArgs): aws.iam.PolicyDocument {
  const iam = (kind: string) => `arn:${a.partition}:iam::${a.accountId}:${kind}${a.iamPath}*`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "StateBucketList",
        Effect: "Allow",
        Action: ["s3:ListBucket", "s3:GetBucketLocation"],
        Resource: a.stateBucketArn,
      },
      {
        Sid: "StateOwnStack",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        Resource: stackStateObjects(a.stateBucketArn, a.project, a.stack),
      },
      {
        Sid: "StateBackendMeta",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: `${a.stateBucketArn}/.pulumi/meta.yaml`,
      },
      {
        Sid: "StateKeyUse",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
        Resource: a.stateKeyArn,
      },
      {
        // Broad by necessity: resource names are generated at deploy time, and creating them needs the
        // service's whole lifecycle. NotResource keeps the state bucket and key out of reach of these actions.
        Sid: "ProgramServices",
        Effect: "Allow",
        Action: PROGRAM_SERVICES.map((s) => `${s}:*`),
        NotResource: [a.stateBucketArn, `${a.stateBucketArn}/*`, a.stateKeyArn],
      },
      {
        Sid: "EcsOptimizedAmiParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:GetParameters"],
        Resource: `arn:${a.partition}:ssm:*::parameter/aws/service/ecs/*`,
      },
      {
        Sid: "ProgramIamUnderItsPath",
        Effect: "Allow",
        Action: [
          "iam:AddRoleToInstanceProfile",
          "iam:AttachRolePolicy",
          "iam:CreateInstanceProfile",
          "iam:CreatePolicy",
          "iam:CreatePolicyVersion",
          "iam:CreateRole",
          "iam:DeleteInstanceProfile",
          "iam:DeletePolicy",
          "iam:DeletePolicyVersion",
          "iam:DeleteRole",
          "iam:DeleteRolePolicy",
          "iam:DetachRolePolicy",
          "iam:GetInstanceProfile",
          "iam:GetPolicy",
          "iam:GetPolicyVersion",
          "iam:GetRole",
          "iam:GetRolePolicy",
          "iam:ListAttachedRolePolicies",
          "iam:ListInstanceProfilesForRole",
          "iam:ListPolicyVersions",
          "iam:ListRolePolicies",
          "iam:PutRolePolicy",
          "iam:RemoveRoleFromInstanceProfile",
          "iam:TagInstanceProfile",
          "iam:TagPolicy",
          "iam:TagRole",
          "iam:UntagInstanceProfile",
          "iam:UntagPolicy",
          "iam:UntagRole",
          "iam:UpdateAssumeRolePolicy",
          "iam:UpdateRole",
          "iam:UpdateRoleDescription",
        ],
        Resource: [iam("role"), iam("instance-profile"), iam("policy")],
      },
      {
        Sid: "PassProgramRoles",
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: iam("role"),
        Condition: { StringEquals: { "iam:PassedToService": PASSED_TO_SERVICES } },
      },
      {
        Sid: "ReadAwsManagedPolicies",
        Effect: "Allow",
        Action: ["iam:GetPolicy", "iam:GetPolicyVersion"],
        Resource: `arn:${a.partition}:iam::aws:policy/*`,
      },
      {
        Sid: "ServiceLinkedRoles",
        Effect: "Allow",
        Action: "iam:CreateServiceLinkedRole",
        Resource: `arn:${a.partition}:iam::${a.accountId}:role/aws-service-role/*`,
        Condition: { StringEquals: { "iam:AWSServiceName": SERVICE_LINKED_ROLES } },
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
