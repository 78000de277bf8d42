/**
 * Where the program's IAM roles live and what bounds them, shared with the bootstrap, which creates the
 * boundary and grants the deploy roles IAM rights under this path only, and only for roles that carry it.
 */

/**
 * IAM path of every role and instance profile the program creates. The bootstrap's deploy roles may only create
 * and change IAM entities under this path, so a role outside it fails `pulumi up` with AccessDenied.
 */
export const IAM_PATH = "/ecs-json-api/";

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
