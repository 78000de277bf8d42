/**
 * What a deploy role may do: `pulumi up` of its own stack, and nothing that would let it step outside that.
 *
 * - State: its own stack's files in the state bucket, the secrets key for encrypt/decrypt.
 * - Program services: full control of the services the program creates resources in, except the state bucket
 *   and key (resource names are generated at deploy time; creating them needs each service's whole lifecycle).
 *   Isolation between environments comes from separate AWS accounts (docs/delivery.md); within an account
 *   these grants are account-wide.
 * - SSM: its own stack's parameters (`/<project>/<stack>/...`, the recorded release) and the public ECS AMI ones.
 * - Images: push to the shared repository (environments that build) or read and tag its images (environments
 *   that run promoted images). Never delete images, or change the repository, its policy or its lifecycle.
 * - IAM: roles and instance profiles under the program's path only; every role it creates or changes must carry
 *   the workload boundary (the `iam:PermissionsBoundary` condition key, which the Service Authorization
 *   Reference lists for CreateRole, PutRolePolicy, PutRolePermissionsBoundary, AttachRolePolicy,
 *   DetachRolePolicy, DeleteRolePolicy, UpdateAssumeRolePolicy, UpdateRole, UpdateRoleDescription and
 *   DeleteRole); AttachRolePolicy only for the AWS managed policies the program uses (`iam:PolicyARN`, listed
 *   for AttachRolePolicy and DetachRolePolicy). Explicit denies keep it from removing a boundary
 *   (DeleteRolePermissionsBoundary) and from touching anything under /ci/ (the boundary itself, the CI roles).
 */
import type * as aws from "@pulumi/aws";
import { CI_IAM_PATH, managedPolicyArn, PROGRAM_MANAGED_POLICIES } from "../components/iam";
import { PROMOTE_ACTIONS, PULL_ACTIONS } from "../components/imageRepository";

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
  "ecs",
  "elasticloadbalancing",
  "kms",
  "lambda",
  "logs",
  "route53",
  "s3",
  "servicediscovery",
  "sns",
] as const;

/** Services the program's roles are handed to: tasks, instances, flow logs, ECS (load balancers), the hook. */
export const PASSED_TO_SERVICES = [
  "ec2.amazonaws.com",
  "ecs-tasks.amazonaws.com",
  "ecs.amazonaws.com",
  "lambda.amazonaws.com",
  "vpc-flow-logs.amazonaws.com",
];

/** The AWS managed policies the program attaches to its roles, and the only ones a deploy role may attach. */
export const ATTACHABLE_MANAGED_POLICIES: string[] = Object.values(PROGRAM_MANAGED_POLICIES);

/** Service-linked roles the program's resources need on first use in an account. */
export const SERVICE_LINKED_ROLES = [
  "autoscaling.amazonaws.com",
  "ecs.amazonaws.com",
  "ecs.application-autoscaling.amazonaws.com",
  "elasticloadbalancing.amazonaws.com",
  "spot.amazonaws.com",
];

/** What an environment does with the shared image repository. */
export type ImageAccess = "build" | "promote";

/** Pushing builds, and the lookup by name (DescribeRepositories, DescribeImages, ListTagsForResource). */
export const BUILD_ACTIONS = [
  ...PULL_ACTIONS,
  "ecr:CompleteLayerUpload",
  "ecr:DescribeImages",
  "ecr:DescribeRepositories",
  "ecr:InitiateLayerUpload",
  "ecr:ListTagsForResource",
  "ecr:PutImage",
  "ecr:UploadLayerPart",
];

/** Everything that would delete images or change the shared repository: denied to every deploy role. */
export const REPOSITORY_CHANGES = [
  "ecr:BatchDeleteImage",
  "ecr:DeleteLifecyclePolicy",
  "ecr:DeleteRepository",
  "ecr:DeleteRepositoryPolicy",
  "ecr:PutImageScanningConfiguration",
  "ecr:PutImageTagMutability",
  "ecr:PutLifecyclePolicy",
  "ecr:SetRepositoryPolicy",
  "ecr:TagResource",
  "ecr:UntagResource",
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
  /** The stack this role deploys: it may write that stack's state and parameters only. */
  stack: string;
  /** IAM path of every role and instance profile the program creates, e.g. `/ecs-json-api/`. */
  iamPath: string;
  /** ARN of the workload boundary every role the program creates must carry. */
  boundaryArn: string;
  /** ARN of the shared image repository (in this account, or in the account that builds). */
  imageRepositoryArn: string;
  /** Push builds to it, or read and tag promoted images. */
  images: ImageAccess;
}

/** A deploy role's permissions (see the top of this file). */
export function deployPolicy(a: DeployPolicyArgs): aws.iam.PolicyDocument {
  const iam = (kind: string, path = a.iamPath) => `arn:${a.partition}:iam::${a.accountId}:${kind}${path}*`;
  const withBoundary = { StringEquals: { "iam:PermissionsBoundary": a.boundaryArn } };
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
        // Broad by necessity (names are generated at deploy time); NotResource keeps the state out of reach.
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
        // The stack's own parameters: the release it deployed. PutParameter with tags also needs AddTags.
        Sid: "OwnStackParameters",
        Effect: "Allow",
        Action: [
          "ssm:AddTagsToResource",
          "ssm:DeleteParameter",
          "ssm:GetParameter",
          "ssm:GetParameters",
          // The recorded release: every service's parameter under the stack's path, read at once.
          "ssm:GetParametersByPath",
          "ssm:ListTagsForResource",
          "ssm:PutParameter",
          "ssm:RemoveTagsFromResource",
        ],
        Resource: `arn:${a.partition}:ssm:*:${a.accountId}:parameter/${a.project}/${a.stack}/*`,
      },
      {
        // Parameter metadata has no resource-level permissions; it reads names and descriptions, not values.
        Sid: "ParameterMetadata",
        Effect: "Allow",
        Action: "ssm:DescribeParameters",
        Resource: "*",
      },
      {
        // An authorization token alone reads nothing; GetAuthorizationToken has no resource-level permissions.
        Sid: "ImageRegistryLogin",
        Effect: "Allow",
        Action: "ecr:GetAuthorizationToken",
        Resource: "*",
      },
      a.images === "build"
        ? { Sid: "PushImages", Effect: "Allow", Action: BUILD_ACTIONS, Resource: a.imageRepositoryArn }
        : {
            Sid: "PromoteImages",
            Effect: "Allow",
            Action: [...PULL_ACTIONS, ...PROMOTE_ACTIONS],
            Resource: a.imageRepositoryArn,
          },
      {
        Sid: "KeepTheImageRepository",
        Effect: "Deny",
        Action: REPOSITORY_CHANGES,
        Resource: a.imageRepositoryArn,
      },
      {
        // Every role the program creates or changes carries the workload boundary.
        Sid: "ProgramRolesCarryTheBoundary",
        Effect: "Allow",
        Action: [
          "iam:CreateRole",
          "iam:DeleteRole",
          "iam:DeleteRolePolicy",
          "iam:DetachRolePolicy",
          "iam:PutRolePermissionsBoundary",
          "iam:PutRolePolicy",
          "iam:UpdateAssumeRolePolicy",
          "iam:UpdateRole",
          "iam:UpdateRoleDescription",
        ],
        Resource: iam("role"),
        Condition: withBoundary,
      },
      {
        Sid: "AttachOnlyTheProgramsManagedPolicies",
        Effect: "Allow",
        Action: "iam:AttachRolePolicy",
        Resource: iam("role"),
        Condition: {
          ...withBoundary,
          ArnEquals: {
            "iam:PolicyARN": ATTACHABLE_MANAGED_POLICIES.map((n) => managedPolicyArn(a.partition, n)),
          },
        },
      },
      {
        // None of these supports iam:PermissionsBoundary; none grants a permission.
        Sid: "ReadAndTagProgramRoles",
        Effect: "Allow",
        Action: [
          "iam:GetRole",
          "iam:GetRolePolicy",
          "iam:ListAttachedRolePolicies",
          "iam:ListInstanceProfilesForRole",
          "iam:ListRolePolicies",
          "iam:ListRoleTags",
          "iam:TagRole",
          "iam:UntagRole",
        ],
        Resource: iam("role"),
      },
      {
        Sid: "ProgramInstanceProfiles",
        Effect: "Allow",
        Action: [
          "iam:AddRoleToInstanceProfile",
          "iam:CreateInstanceProfile",
          "iam:DeleteInstanceProfile",
          "iam:GetInstanceProfile",
          "iam:ListInstanceProfileTags",
          "iam:RemoveRoleFromInstanceProfile",
          "iam:TagInstanceProfile",
          "iam:UntagInstanceProfile",
        ],
        Resource: iam("instance-profile"),
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
      {
        Sid: "NeverRemoveABoundary",
        Effect: "Deny",
        Action: "iam:DeleteRolePermissionsBoundary",
        Resource: "*",
      },
      {
        // The boundary and the CI roles live here: no deploy role may edit them, itself included.
        Sid: "NeverTouchTheCiPath",
        Effect: "Deny",
        Action: "iam:*",
        Resource: [iam("role", CI_IAM_PATH), iam("policy", CI_IAM_PATH)],
      },
    ],
  };
}
