/**
 * The AWS managed policies the program attaches to its roles, as AWS publishes them in the AWS Managed Policy
 * Reference Guide (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/<name>.html), at the version
 * noted. AWS edits these policies in place (AmazonEC2ContainerServiceforEC2Role is at v10): when a new version
 * adds a permission the workload boundary lacks, the boundary test fails after this table is updated, instead
 * of the instances failing in AWS. Update a document and its version together.
 *
 * Policy ARNs are `arn:<partition>:iam::aws:policy/<path><name>`; the path is part of the ARN (the ECS
 * infrastructure policy for load balancers has none, the two service-role policies do).
 */
import type * as aws from "@pulumi/aws";

/** An AWS managed policy: where it lives and what it grants. */
export interface AwsManagedPolicy {
  /** The path between `policy/` and the name: "" or "service-role/". */
  path: "" | "service-role/";
  /** The default version the document below is. */
  version: string;
  /** The policy document, in the `aws` partition. */
  document: aws.iam.PolicyDocument;
}

/** The managed policies the program's roles attach, by name. */
export const AWS_MANAGED_POLICIES = {
  // ECS container instances: register with the cluster, pull images, write container logs.
  AmazonEC2ContainerServiceforEC2Role: {
    path: "service-role/",
    version: "v10",
    document: {
      Version: "2012-10-17",
      Statement: [
        {
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
            "ecr:GetAuthorizationToken",
            "ecr:BatchCheckLayerAvailability",
            "ecr:GetDownloadUrlForLayer",
            "ecr:BatchGetImage",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
          ],
          Resource: "*",
        },
        {
          Effect: "Allow",
          Action: "ecs:TagResource",
          Resource: "*",
          Condition: { StringEquals: { "ecs:CreateAction": ["CreateCluster", "RegisterContainerInstance"] } },
        },
        {
          Effect: "Allow",
          Action: "ecs:ListTagsForResource",
          Resource: ["arn:aws:ecs:*:*:task/*/*", "arn:aws:ecs:*:*:container-instance/*/*"],
        },
      ],
    },
  },
  // Session Manager access to the instances (no SSH).
  AmazonSSMManagedInstanceCore: {
    path: "",
    version: "v2",
    document: {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: [
            "ssm:DescribeAssociation",
            "ssm:GetDeployablePatchSnapshotForInstance",
            "ssm:GetDocument",
            "ssm:DescribeDocument",
            "ssm:GetManifest",
            "ssm:GetParameter",
            "ssm:GetParameters",
            "ssm:ListAssociations",
            "ssm:ListInstanceAssociations",
            "ssm:PutInventory",
            "ssm:PutComplianceItems",
            "ssm:PutConfigurePackageResult",
            "ssm:UpdateAssociationStatus",
            "ssm:UpdateInstanceAssociationStatus",
            "ssm:UpdateInstanceInformation",
          ],
          Resource: "*",
        },
        {
          Effect: "Allow",
          Action: [
            "ssmmessages:CreateControlChannel",
            "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel",
          ],
          Resource: "*",
        },
        {
          Effect: "Allow",
          Action: [
            "ec2messages:AcknowledgeMessage",
            "ec2messages:DeleteMessage",
            "ec2messages:FailMessage",
            "ec2messages:GetEndpoint",
            "ec2messages:GetMessages",
            "ec2messages:SendReply",
          ],
          Resource: "*",
        },
      ],
    },
  },
  // The ECS infrastructure role that manages load balancer resources (blue/green deployments), passed to ECS.
  AmazonECSInfrastructureRolePolicyForLoadBalancers: {
    path: "",
    version: "v6",
    document: {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ELBReadOperations",
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
          Sid: "TargetGroupOperations",
          Effect: "Allow",
          Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
          Resource: "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
        },
        {
          Sid: "ALBModifyListeners",
          Effect: "Allow",
          Action: "elasticloadbalancing:ModifyListener",
          Resource: ["arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*"],
        },
        {
          Sid: "NLBModifyListeners",
          Effect: "Allow",
          Action: "elasticloadbalancing:ModifyListener",
          Resource: ["arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*"],
        },
        {
          Sid: "ALBModifyRules",
          Effect: "Allow",
          Action: "elasticloadbalancing:ModifyRule",
          Resource: ["arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*/*"],
        },
      ],
    },
  },
  // A Lambda function in a VPC (the pre-traffic hook): its network interfaces and its logs.
  AWSLambdaVPCAccessExecutionRole: {
    path: "service-role/",
    version: "v3",
    document: {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AWSLambdaVPCAccessExecutionPermissions",
          Effect: "Allow",
          Action: [
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "ec2:CreateNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
            "ec2:DeleteNetworkInterface",
            "ec2:AssignPrivateIpAddresses",
            "ec2:UnassignPrivateIpAddresses",
          ],
          Resource: "*",
        },
      ],
    },
  },
} as const satisfies Record<string, AwsManagedPolicy>;

export type AwsManagedPolicyName = keyof typeof AWS_MANAGED_POLICIES;

/** The ARN of an AWS managed policy in `partition`. */
export function awsManagedPolicyArn(partition: string, name: AwsManagedPolicyName): string {
  return `arn:${partition}:iam::aws:policy/${AWS_MANAGED_POLICIES[name].path}${name}`;
}

/** The managed policy an ARN names, if it is one of the table's; undefined otherwise. */
export function awsManagedPolicyByArn(
  arn: string,
): (AwsManagedPolicy & { name: AwsManagedPolicyName }) | undefined {
  const m = /^arn:[a-z-]+:iam::aws:policy\/(.*)$/.exec(arn);
  if (!m) return undefined;
  for (const [name, policy] of Object.entries(AWS_MANAGED_POLICIES)) {
    if (`${policy.path}${name}` === m[1]) return { ...policy, name: name as AwsManagedPolicyName };
  }
  return undefined;
}
