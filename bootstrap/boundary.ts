/**
 * The workload permissions boundary: the most any role the program creates may ever do, whatever policy a
 * deploy role puts on it. The deploy roles may create and change roles only when the role carries this
 * boundary (bootstrap/deployPolicy.ts), so a deploy job cannot mint an administrator, and it may never edit or
 * remove the boundary, which lives under /ci/ with the CI roles, outside the path the deploy roles write.
 *
 * What it allows is exactly the union of what the program's roles need, and nothing else (no iam:*, no
 * sts:AssumeRole, no organizations): the AWS managed policies the program attaches (lib/iam/awsManagedPolicies
 * holds them as AWS publishes them) plus the program's inline grants. tests/workloadBoundary.test.ts evaluates
 * both committed stacks and fails when a role's inline policy or attached managed policy falls outside it.
 *
 * | role | needs |
 * | --- | --- |
 * | task roles | s3:GetObject and s3:ListBucket on the documents bucket; kms:Decrypt through S3 |
 * | execution roles | ecr:GetAuthorizationToken, pull (possibly from the shared repository in another account); logs |
 * | container instances | AmazonEC2ContainerServiceforEC2Role, AmazonSSMManagedInstanceCore |
 * | VPC flow logs | logs:CreateLogStream, PutLogEvents, DescribeLogStreams, DescribeLogGroups |
 * | ECS infrastructure (load balancers) | AmazonECSInfrastructureRolePolicyForLoadBalancers |
 * | Lambda pre-traffic hook | logs; AWSLambdaVPCAccessExecutionRole |
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CI_IAM_PATH, permissionsBoundaryArn, permissionsBoundaryName } from "../components/iam";
import { type CommonArgs, componentProvider } from "../components/provider";

/** What the boundary is drawn around. */
export interface WorkloadBoundaryPolicyArgs {
  partition: string;
  accountId: string;
  /** The state bucket: no workload reads it, whatever its role's policy says. */
  stateBucketArn: string;
  /** The state and secrets key: no workload decrypts with it. */
  stateKeyArn: string;
  /** The Pulumi project: its workloads read parameters under `/<project>/` only (and AWS's public ones). */
  project: string;
}

/** The boundary document (see the table above for whom each statement serves). */
export function workloadBoundaryPolicy(a: WorkloadBoundaryPolicyArgs): aws.iam.PolicyDocument {
  const elb = (resource: string) => `arn:${a.partition}:elasticloadbalancing:*:*:${resource}`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        // Container instances (AmazonEC2ContainerServiceforEC2Role): join the cluster and report.
        Sid: "EcsAgent",
        Effect: "Allow",
        Action: [
          "ec2:DescribeTags",
          "ecs:CreateCluster",
          "ecs:DeregisterContainerInstance",
          "ecs:DiscoverPollEndpoint",
          "ecs:Poll",
          "ecs:RegisterContainerInstance",
          "ecs:StartTelemetrySession",
          "ecs:UpdateContainerInstancesState",
          "ecs:Submit*",
        ],
        Resource: "*",
      },
      {
        Sid: "EcsAgentTagsWhatItCreates",
        Effect: "Allow",
        Action: "ecs:TagResource",
        Resource: "*",
        Condition: { StringEquals: { "ecs:CreateAction": ["CreateCluster", "RegisterContainerInstance"] } },
      },
      {
        Sid: "EcsAgentReadsTags",
        Effect: "Allow",
        Action: "ecs:ListTagsForResource",
        Resource: [
          `arn:${a.partition}:ecs:*:*:task/*/*`,
          `arn:${a.partition}:ecs:*:*:container-instance/*/*`,
        ],
      },
      {
        // Execution roles and instances pull images, the shared repository's included (another account's
        // repository also needs its own repository policy to allow it).
        Sid: "PullImages",
        Effect: "Allow",
        Action: [
          "ecr:GetAuthorizationToken",
          "ecr:BatchCheckLayerAvailability",
          "ecr:GetDownloadUrlForLayer",
          "ecr:BatchGetImage",
        ],
        Resource: "*",
      },
      {
        // Container logs (execution roles, instances), the hook's logs (it creates its group on first run).
        Sid: "WriteLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: "*",
      },
      {
        Sid: "FlowLogsDescribeTheirGroup",
        Effect: "Allow",
        Action: "logs:DescribeLogStreams",
        Resource: `arn:${a.partition}:logs:*:${a.accountId}:log-group:*`,
      },
      {
        // DescribeLogGroups has no resource type (Service Authorization Reference, CloudWatch Logs): only "*"
        // matches it. It lists group names and settings, no log data.
        Sid: "FlowLogsListGroups",
        Effect: "Allow",
        Action: "logs:DescribeLogGroups",
        Resource: "*",
      },
      {
        // Instances (AmazonSSMManagedInstanceCore): Session Manager instead of SSH.
        Sid: "SessionManager",
        Effect: "Allow",
        Action: [
          "ssm:DescribeAssociation",
          "ssm:GetDeployablePatchSnapshotForInstance",
          "ssm:GetDocument",
          "ssm:DescribeDocument",
          "ssm:GetManifest",
          "ssm:ListAssociations",
          "ssm:ListInstanceAssociations",
          "ssm:PutInventory",
          "ssm:PutComplianceItems",
          "ssm:PutConfigurePackageResult",
          "ssm:UpdateAssociationStatus",
          "ssm:UpdateInstanceAssociationStatus",
          "ssm:UpdateInstanceInformation",
          "ssmmessages:CreateControlChannel",
          "ssmmessages:CreateDataChannel",
          "ssmmessages:OpenControlChannel",
          "ssmmessages:OpenDataChannel",
          "ec2messages:AcknowledgeMessage",
          "ec2messages:DeleteMessage",
          "ec2messages:FailMessage",
          "ec2messages:GetEndpoint",
          "ec2messages:GetMessages",
          "ec2messages:SendReply",
        ],
        Resource: "*",
      },
      {
        // AmazonSSMManagedInstanceCore grants these on every parameter; a workload may read AWS's public
        // parameters and its own project's only, never another project's or stack's configuration.
        Sid: "ReadOwnAndPublicParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:GetParameters"],
        Resource: [
          `arn:${a.partition}:ssm:*::parameter/aws/*`,
          `arn:${a.partition}:ssm:*:${a.accountId}:parameter/${a.project}/*`,
        ],
      },
      {
        // The pre-traffic hook (AWSLambdaVPCAccessExecutionRole): its network interfaces in the VPC.
        Sid: "LambdaInVpc",
        Effect: "Allow",
        Action: [
          "ec2:CreateNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSubnets",
          "ec2:DeleteNetworkInterface",
          "ec2:AssignPrivateIpAddresses",
          "ec2:UnassignPrivateIpAddresses",
        ],
        Resource: "*",
      },
      {
        // The ECS infrastructure role (AmazonECSInfrastructureRolePolicyForLoadBalancers).
        Sid: "LoadBalancerRead",
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetHealth",
        ],
        Resource: "*",
      },
      {
        Sid: "LoadBalancerTargets",
        Effect: "Allow",
        Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        Resource: elb("targetgroup/*/*"),
      },
      {
        Sid: "LoadBalancerTraffic",
        Effect: "Allow",
        Action: ["elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule"],
        Resource: [elb("listener/app/*/*/*"), elb("listener/net/*/*/*"), elb("listener-rule/app/*/*/*/*")],
      },
      {
        // The role ECS invokes a deployment's lifecycle hook with: this account's functions only.
        Sid: "InvokeDeploymentHooks",
        Effect: "Allow",
        Action: "lambda:InvokeFunction",
        Resource: `arn:${a.partition}:lambda:*:${a.accountId}:function:*`,
      },
      {
        // Task roles read their documents; never the Pulumi state.
        Sid: "ReadDocuments",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:ListBucket"],
        NotResource: [a.stateBucketArn, `${a.stateBucketArn}/*`],
      },
      {
        Sid: "DecryptDocumentsThroughS3",
        Effect: "Allow",
        Action: "kms:Decrypt",
        NotResource: a.stateKeyArn,
        Condition: { StringLike: { "kms:ViaService": "s3.*.amazonaws.com" } },
      },
    ],
  };
}

/** What the boundary policy is built from. */
export interface WorkloadBoundaryArgs extends CommonArgs {
  /** The Pulumi project whose roles carry it: names the policy (components/iam.ts). */
  project: string;
  /** ARN of the state bucket, kept out of the workloads' reach. */
  stateBucketArn: pulumi.Input<string>;
  /** ARN of the state key, kept out of the workloads' reach. */
  stateKeyArn: pulumi.Input<string>;
}

/** The boundary as a customer managed policy with the fixed name and path the program names it by. */
export class WorkloadBoundary extends pulumi.ComponentResource {
  /** The boundary's ARN: `permissionsBoundaryArn(partition, account, project)` from components/iam.ts. */
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: WorkloadBoundaryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-json-api:bootstrap:WorkloadBoundary", name, {}, opts);
    const provider = componentProvider(this, name, "WorkloadBoundary", args);
    const child = { parent: this, provider };
    const partition = aws.getPartitionOutput({}, child).partition;
    const accountId = aws.getCallerIdentityOutput({}, child).accountId;
    const policy = new aws.iam.Policy(
      `${name}-policy`,
      {
        // Fixed: the program computes this ARN without a stack reference, and the deploy roles require it.
        name: permissionsBoundaryName(args.project),
        path: CI_IAM_PATH,
        description: `The most any role of ${args.project} may do; every role its stacks create carries it.`,
        policy: pulumi
          .all([partition, accountId, args.stateBucketArn, args.stateKeyArn])
          .apply(([p, id, stateBucketArn, stateKeyArn]) =>
            JSON.stringify(
              workloadBoundaryPolicy({
                partition: p,
                accountId: id,
                stateBucketArn,
                stateKeyArn,
                project: args.project,
              }),
            ),
          ),
      },
      // Kept when the bootstrap is destroyed: the program's roles still carry it (IAM refuses to delete it).
      { ...child, retainOnDelete: true },
    );
    // The ARN as the program computes it (IAM builds it from the path and name), available once the policy
    // exists, so a role that depends on it waits for the policy.
    this.arn = pulumi
      .all([policy.id, partition, accountId])
      .apply(([, p, id]) => permissionsBoundaryArn(p, id, args.project));
    this.registerOutputs({ arn: this.arn });
  }
}
