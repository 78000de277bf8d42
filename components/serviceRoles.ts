/**
 * The task's IAM roles, each trusted by `ecs-tasks.amazonaws.com` on behalf of this account only, each under
 * the program's IAM path with its permissions boundary:
 * - the task role, which the application's AWS SDK uses, only for a service that needs AWS access: exactly the
 *   policy document its caller gives (for the JSON API, read access to the documents, written by the bucket
 *   component); a service without one gets no task role and its container no credentials;
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
import { programRole } from "./iam";

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
  image: pulumi.Input<string>;
  /** ARN of the task's log group (without the trailing `:*`). */
  logGroupArn: pulumi.Input<string>;
  /** What the task role may do; undefined makes no task role. */
  taskPolicy?: pulumi.Input<aws.iam.PolicyDocument>;
  /** What the service does, for the roles' descriptions. */
  purpose: string;
  /** Permissions boundary of both roles. */
  permissionsBoundary?: pulumi.Input<string>;
}

/** The roles, and their policies (the service waits for them). */
export interface ServiceRoles {
  /** The application's AWS identity; undefined when the service needs none. */
  taskRole: aws.iam.Role | undefined;
  /** The ECS agent's identity for the task: pulls the image, writes logs. */
  executionRole: aws.iam.Role;
  /** The roles' inline policies: a task started before they exist fails to pull, log or read. */
  policies: aws.iam.RolePolicy[];
}

/** Creates the execution role and, when the task needs AWS access, the task role, each with one inline policy. */
export function createServiceRoles(
  name: string,
  args: ServiceRolesArgs,
  opts: pulumi.CustomResourceOptions,
): ServiceRoles {
  const trust = { service: "ecs-tasks.amazonaws.com", accountId: args.accountId };
  const policies: aws.iam.RolePolicy[] = [];
  let taskRole: aws.iam.Role | undefined;
  if (args.taskPolicy) {
    taskRole = programRole(
      `${name}-task-role`,
      {
        description: `The AWS identity of ${args.purpose}`,
        ...trust,
        permissionsBoundary: args.permissionsBoundary,
      },
      opts,
    );
    policies.push(
      new aws.iam.RolePolicy(
        `${name}-task-policy`,
        { role: taskRole.name, policy: pulumi.jsonStringify(args.taskPolicy) },
        opts,
      ),
    );
  }
  const executionRole = programRole(
    `${name}-execution-role`,
    {
      description: `The ECS agent identity for ${args.purpose}: pulls the image, writes logs`,
      ...trust,
      permissionsBoundary: args.permissionsBoundary,
    },
    opts,
  );
  policies.push(
    new aws.iam.RolePolicy(
      `${name}-execution-pull-and-log`,
      {
        role: executionRole.name,
        policy: pulumi
          .all([args.image, args.logGroupArn])
          .apply(([image, logGroupArn]) => JSON.stringify(executionRolePolicy(image, logGroupArn))),
      },
      opts,
    ),
  );
  return { taskRole, executionRole, policies };
}
