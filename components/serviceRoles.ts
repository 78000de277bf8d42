/**
 * The task's two IAM roles, each trusted by `ecs-tasks.amazonaws.com` on behalf of this account only:
 * - the task role, which the application's AWS SDK uses: read access to the documents bucket and nothing else,
 *   through the policy document the bucket component writes;
 * - the execution role, which the ECS agent uses to start the task: pull this one image's repository and write
 *   to this one log group. AWS's managed AmazonECSTaskExecutionRolePolicy would also do, but it grants
 *   `Resource: "*"` (every repository and log group in the account); the scoped inline policy grants exactly
 *   what this task needs, and both resources are known here.
 *
 * On EC2 the agent pulls from ECR with the execution role, but the Docker awslogs driver authenticates with
 * the container instance's role unless the agent runs with ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE=true; the
 * instance role therefore keeps its own log permissions (AmazonEC2ContainerServiceforEC2Role).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { IAM_PATH } from "./iam";

/** A role's trust policy: ECS tasks may assume it, only when acting for `accountId` (no confused deputy). */
export function ecsTasksTrustPolicy(accountId: string): aws.iam.PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  };
}

/** The ARN partition of a region: China and GovCloud have their own. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

const ECR_IMAGE =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*?)(?:@sha256:[a-f0-9]{64}|:[\w][\w.-]{0,127})?$/;

/** The ECR repository an image reference points into, or undefined for an image outside ECR. */
export function ecrRepositoryArn(imageRef: string): string | undefined {
  const m = ECR_IMAGE.exec(imageRef);
  if (!m) return undefined;
  const [, account, region, repository] = m;
  return `arn:${partitionOf(region)}:ecr:${region}:${account}:repository/${repository}`;
}

/** The execution role's permissions: pull the image from its ECR repository (if any), write the log group. */
export function executionRolePolicy(imageRef: string, logGroupArn: string): aws.iam.PolicyDocument {
  const statements: aws.iam.PolicyStatement[] = [];
  const repositoryArn = ecrRepositoryArn(imageRef);
  if (repositoryArn) {
    statements.push(
      // GetAuthorizationToken has no resource-level permissions; the token alone reads nothing.
      { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      {
        Sid: "PullImage",
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
        Resource: repositoryArn,
      },
    );
  }
  statements.push({
    Sid: "WriteLogs",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `${logGroupArn}:log-stream:*`,
  });
  return { Version: "2012-10-17", Statement: statements };
}

/** What the roles are built from. */
export interface ServiceRolesArgs {
  /** Account the roles live in; the trust policies accept only tasks acting for it. */
  accountId: pulumi.Input<string>;
  /** Image pinned by digest; its ECR repository is the only one the execution role may pull from. */
  imageRef: pulumi.Input<string>;
  /** ARN of the task's log group (without the trailing `:*`). */
  logGroupArn: pulumi.Input<string>;
  /** Read access to the documents bucket, from the bucket component. */
  bucketReadPolicy: pulumi.Input<aws.iam.PolicyDocument>;
}

/** Creates the task role and the execution role, each with its one inline policy. */
export function createServiceRoles(
  name: string,
  args: ServiceRolesArgs,
  opts: pulumi.CustomResourceOptions,
): { taskRole: aws.iam.Role; executionRole: aws.iam.Role; policies: aws.iam.RolePolicy[] } {
  const trust = pulumi.output(args.accountId).apply((id) => JSON.stringify(ecsTasksTrustPolicy(id)));

  const taskRole = new aws.iam.Role(
    `${name}-task-role`,
    {
      description: "The API's AWS identity: reads the documents bucket.",
      path: IAM_PATH,
      assumeRolePolicy: trust,
    },
    opts,
  );
  const taskPolicy = new aws.iam.RolePolicy(
    `${name}-task-bucket-read`,
    { role: taskRole.name, policy: pulumi.jsonStringify(args.bucketReadPolicy) },
    opts,
  );

  const executionRole = new aws.iam.Role(
    `${name}-execution-role`,
    {
      description: "The ECS agent's identity for this task: pulls the image, writes logs.",
      path: IAM_PATH,
      assumeRolePolicy: trust,
    },
    opts,
  );
  const executionPolicy = new aws.iam.RolePolicy(
    `${name}-execution-pull-and-log`,
    {
      role: executionRole.name,
      policy: pulumi
        .all([args.imageRef, args.logGroupArn])
        .apply(([imageRef, logGroupArn]) => JSON.stringify(executionRolePolicy(imageRef, logGroupArn))),
    },
    opts,
  );
  // Returned so the service waits for them: a task started before its policies exist fails to pull or log.
  return { taskRole, executionRole, policies: [taskPolicy, executionPolicy] };
}
