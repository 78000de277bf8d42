/**
 * Where the program's IAM roles live and what bounds them, shared with the bootstrap, which creates the
 * boundary and grants the deploy roles IAM rights under this path only, and only for roles that carry it.
 */

import * as aws from "@pulumi/aws";
import type { PolicyDocument } from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";

/**
 * IAM path of every role and instance profile a project's program creates: `/<project>/`, the Pulumi project's
 * name. The bootstrap's deploy roles (for its `projectName`) may only create and change IAM entities under this
 * path, so a role outside it fails `pulumi up` with AccessDenied; both sides derive it from the project here.
 */
export function iamPath(project: string): string {
  return `/${project}/`;
}

/** The IAM path of this program's roles, for the project that runs it. */
export const programIamPath = (): string => iamPath(pulumi.getProject());

/** The path of the roles of this repository's project, `ecs-json-api` (what the tests evaluate). */
export const IAM_PATH = iamPath("ecs-json-api");

/** IAM path of the CI roles and of the permissions boundary: outside IAM_PATH, so no deploy role can edit them. */
export const CI_IAM_PATH = "/ci/";

/** The name of the managed policy every role the program creates carries as its permissions boundary. */
export function permissionsBoundaryName(project: string): string {
  return `${project}-workload-boundary`;
}

/**
 * The ARN of the permissions boundary the bootstrap creates for `project` in `accountId`. A fixed, physical
 * name, so the program can name it without a stack reference.
 */
export function permissionsBoundaryArn(partition: string, accountId: string, project: string): string {
  return `arn:${partition}:iam::${accountId}:policy${CI_IAM_PATH}${permissionsBoundaryName(project)}`;
}

/**
 * The AWS managed policies the program attaches to its roles, with their paths: the container instances'
 * (ECS agent, Session Manager), the ECS infrastructure role's (traffic shifts of managed deployments), and the
 * deployment hook's (its network interfaces in the VPC). The bootstrap lets the deploy roles attach these and
 * no others, and the workload boundary allows what they grant.
 */
export const PROGRAM_MANAGED_POLICIES = {
  ecsContainerInstance: "service-role/AmazonEC2ContainerServiceforEC2Role",
  ssmManagedInstance: "AmazonSSMManagedInstanceCore",
  ecsLoadBalancers: "AmazonECSInfrastructureRolePolicyForLoadBalancers",
  lambdaVpcAccess: "service-role/AWSLambdaVPCAccessExecutionRole",
} as const;

/** The ARN of an AWS managed policy, given as `path/name` (e.g. `service-role/AWSLambdaVPCAccessExecutionRole`). */
export function managedPolicyArn(partition: string, pathAndName: string): string {
  return `arn:${partition}:iam::aws:policy/${pathAndName}`;
}

/**
 * Services AWS documents with `aws:SourceAccount` in their roles' trust policies: ECS tasks ("Amazon ECS task
 * IAM role", the confused deputy example). For the others the program trusts, ECS itself (the infrastructure
 * role, the hook invoke role: "Amazon ECS infrastructure IAM role for load balancers", blue-green-permissions)
 * and Lambda (execution role), AWS's documented trust policy has no condition, and a StringEquals on a key the
 * service does not send would refuse every AssumeRole.
 */
const SENDS_SOURCE_ACCOUNT = new Set(["ecs-tasks.amazonaws.com"]);

/**
 * A role's trust policy: one AWS service may assume it, acting for `accountId` only. Where AWS does not document
 * that the service sends `aws:SourceAccount`, the condition is `StringEqualsIfExists`: a request that carries
 * the key must name this account (no confused deputy), one without it is not refused for lacking it. IAM roles
 * cannot be passed across accounts, so only this account's principals can hand the role to the service.
 */
export function serviceTrustPolicy(service: string, accountId: string): PolicyDocument {
  const test = SENDS_SOURCE_ACCOUNT.has(service) ? "StringEquals" : "StringEqualsIfExists";
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        Condition: { [test]: { "aws:SourceAccount": accountId } },
      },
    ],
  };
}

/** A role of the program: who may assume it, what it is for, and the boundary it carries. */
export interface ProgramRoleArgs {
  /** What the role is for, shown in IAM. */
  description: pulumi.Input<string>;
  /** The trust policy, as JSON; or `service`, for serviceTrustPolicy(service, accountId). */
  assumeRolePolicy?: pulumi.Input<string>;
  /** The AWS service that assumes the role, for this account only. */
  service?: string;
  /** The account the role is in (with `service`). */
  accountId?: pulumi.Input<string>;
  /** The workload boundary's ARN; the bootstrap's deploy roles create no role without it. */
  permissionsBoundary?: pulumi.Input<string>;
}

/**
 * The one way the program makes an IAM role: under the project's path (where the deploy roles may create roles), with the
 * permissions boundary, trusted by one service for this account or by the given policy.
 */
export function programRole(
  name: string,
  args: ProgramRoleArgs,
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  const trust =
    args.assumeRolePolicy ??
    (args.service !== undefined && args.accountId !== undefined
      ? pulumi
          .output(args.accountId)
          .apply((id) => JSON.stringify(serviceTrustPolicy(args.service as string, id)))
      : undefined);
  if (trust === undefined)
    throw new Error(`programRole(${name}): give assumeRolePolicy, or service and accountId`);
  return new aws.iam.Role(
    name,
    {
      description: args.description,
      path: programIamPath(),
      permissionsBoundary: args.permissionsBoundary,
      assumeRolePolicy: trust,
    },
    opts,
  );
}
