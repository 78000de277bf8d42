/**
 * EcsCluster: an ECS cluster whose capacity is EC2 instances in the private subnets, scaled by ECS itself.
 *
 * Instances: the ECS-optimized Amazon Linux 2023 AMI for the architecture (resolved from its public SSM
 * parameter on each deploy), IMDSv2 only with a hop limit of 1 (a bridge-mode container is one hop further
 * and cannot reach the instance role; tasks get their own role from the agent instead), an encrypted gp3 root
 * volume, no public IP, no key pair and no port 22 (shell access is SSM Session Manager, hence
 * AmazonSSMManagedInstanceCore on the role), and user data that joins the cluster (containerInstance.ts).
 * The security group has no ingress: a load balancer adds one rule from its own group on the ephemeral ports
 * Docker maps bridge-mode containers to (loadBalancer.ts). Egress is HTTPS only (ECR, ECS, CloudWatch, SSM, S3); DNS, NTP and IMDS are link-local
 * or the VPC resolver, which security groups do not filter.
 *
 * Scaling: the Auto Scaling group spans the private subnets; ECS managed scaling owns its desired capacity
 * (ignored by Pulumi) to keep utilisation at `targetCapacity`; managed termination protection needs every
 * new instance protected from scale-in, and ECS lifts the protection once an instance runs no tasks; managed
 * draining moves tasks off an instance before the group terminates it. A launch template change (a new AMI,
 * user data, instance type) starts a rolling instance refresh that launches before it terminates and also
 * replaces protected instances. With `spot`, a mixed instances policy runs everything on Spot across the
 * instance types of the same size, with capacity rebalancing and agent Spot draining.
 *
 * Teardown: destroying a cluster with an ASG capacity provider is a known trap (aws-cdk#18179,
 * terraform-provider-aws#18849, containers-roadmap#2862): ECS leaves its instances protected from scale-in,
 * so deleting the group waits for instances that never terminate, and its managed-draining lifecycle hook
 * holds terminations further. What makes `pulumi destroy` finish when deletionProtection is false:
 * 1. The group is deleted with `forceDelete`: one DeleteAutoScalingGroup call with ForceDelete terminates
 *    every instance, protected or not, and drops pending lifecycle actions; no drain loop to hang in.
 * 2. Deletion runs in dependency order, which the wiring here guarantees: ECS services (which depend on this
 *    component's clusterName/clusterArn/capacityProviderName outputs, and those outputs depend on the
 *    cluster's capacity provider association) go first; then the association, so the capacity provider is
 *    free; then the capacity provider, which references the group; then the group (force-deleted, its
 *    instances gone); then the launch template, whose user data names the cluster; only then the cluster,
 *    which ECS refuses to delete while instances are registered (the provider retries until they deregister).
 *    The IAM policy attachments outlive the group, so the agent keeps its permissions while it drains.
 * With deletionProtection on (prod) the group is not force-deleted: the provider lifts scale-in protection,
 * scales to zero and waits for the instances to drain (the runbook's teardown says how to end prod).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  type ArgValues,
  argName,
  boolean,
  checkArgs,
  integer,
  type Label,
  string,
  throwIfProblems,
  type ValueOf,
} from "./args";
import {
  AMI_PARAMETERS,
  AMI_ROOT_SNAPSHOT_GIB,
  ROOT_DEVICE_NAME,
  renderUserData,
  spotInstanceTypes,
} from "./containerInstance";
import { PROGRAM_MANAGED_POLICIES, programIamPath, programRole } from "./iam";
import { type Architecture, INSTANCE_TYPES, type InstanceTypeInfo, instanceTypeInfo } from "./instanceTypes";
import type { NetworkRef } from "./network";
import { type CommonArgs, componentProvider } from "./provider";

/** Auto Scaling group metrics the cluster publishes: what the dashboard's instance graph reads. */
export const ASG_METRICS = ["GroupInServiceInstances", "GroupDesiredCapacity"] as const;

/** EcsCluster's arguments: each one's default, documentation and rule. */
export const ECS_CLUSTER_ARGS = {
  architecture: string("CPU architecture of the instances and the image.", "arm64", {
    oneOf: Object.keys(AMI_PARAMETERS),
  }),
  instanceType: string(
    "EC2 instance type of the container instances (see components/instanceTypes.ts).",
    "t4g.medium",
    { oneOf: Object.keys(INSTANCE_TYPES) },
  ),
  minInstances: integer("Fewest container instances the Auto Scaling group keeps.", 1, { min: 0, max: 100 }),
  maxInstances: integer("Most container instances managed scaling may launch.", 3, { min: 1, max: 100 }),
  spot: boolean(
    "Run the instances on Spot capacity (cheaper, can be reclaimed with two minutes' notice).",
    false,
  ),
  targetCapacity: integer("Managed scaling's target utilisation of the instances, in percent.", 100, {
    min: 1,
    max: 100,
  }),
  deletionProtection: boolean(
    "Keep `pulumi destroy` from force-deleting the Auto Scaling group and its instances.",
    false,
  ),
  containerStopTimeoutSeconds: integer(
    "Seconds a stopping container gets between SIGTERM and SIGKILL (a Spot interruption gives two minutes).",
    30,
    { min: 1, max: 120 },
  ),
  rootVolumeSizeGiB: integer("Root volume size in GiB, at least the AMI's snapshot.", AMI_ROOT_SNAPSHOT_GIB, {
    min: AMI_ROOT_SNAPSHOT_GIB,
    max: 16384,
  }),
} as const;

type Given = { [K in keyof typeof ECS_CLUSTER_ARGS]?: ValueOf<(typeof ECS_CLUSTER_ARGS)[K]> };

export interface EcsClusterArgs extends CommonArgs, Given {
  /** The network: its VPC holds the instances' security group, its private subnets the instances. */
  network: Pick<NetworkRef, "vpcId" | "privateSubnetIds">;
  /** CPU architecture of the instances, "x86_64" or "arm64"; picks the AMI. Defaults to "arm64". */
  architecture?: string;
  /** EC2 instance type, one of components/instanceTypes.ts and of `architecture`. Defaults to "t4g.medium". */
  instanceType?: string;
  /** Fewest instances the Auto Scaling group keeps. Defaults to 1. */
  minInstances?: number;
  /** Most instances managed scaling may launch. Defaults to 3. */
  maxInstances?: number;
  /** Run every instance on Spot capacity. Defaults to false. */
  spot?: boolean;
  /** Managed scaling's target utilisation of the instances, 1 to 100 percent. Defaults to 100. */
  targetCapacity?: number;
  /** Keep `pulumi destroy` from force-deleting the Auto Scaling group and its instances. Defaults to false. */
  deletionProtection?: boolean;
  /** Seconds a stopping container gets between SIGTERM and SIGKILL, 1 to 120. Defaults to 30. */
  containerStopTimeoutSeconds?: number;
  /** Root volume size in GiB, at least the AMI's 30 GiB snapshot. Defaults to 30. */
  rootVolumeSizeGiB?: number;
  /** Permissions boundary of the instance role. Defaults to none. */
  permissionsBoundary?: pulumi.Input<string>;
}

/** The args with defaults applied and checked. */
export interface ResolvedEcsClusterArgs extends ArgValues<typeof ECS_CLUSTER_ARGS> {
  architecture: Architecture;
  /** The instance type's facts. */
  instance: InstanceTypeInfo;
}

/**
 * Every problem with the arguments, each naming its argument through `label`. `name` is the component's name,
 * checked because the capacity provider is auto-named from it and AWS rejects names starting with "aws", "ecs"
 * or "fargate".
 */
export function ecsClusterArgsProblems(name: string, args: Given, label: Label = argName): string[] {
  const { values, problems } = checkArgs(ECS_CLUSTER_ARGS, args, label);
  if (/^(aws|ecs|fargate)/i.test(name)) {
    problems.push(
      `name "${name}" would auto-name the capacity provider "${name}-capacity-…", and AWS rejects capacity provider names starting with aws, ecs or fargate; choose another name`,
    );
  }
  const instance = instanceTypeInfo(values.instanceType);
  if (
    instance &&
    Object.hasOwn(AMI_PARAMETERS, values.architecture) &&
    instance.architecture !== values.architecture
  ) {
    problems.push(
      `${label("instanceType")} = "${values.instanceType}" is ${instance.architecture}, but ${label("architecture")} = "${values.architecture}"; the image would not run on it`,
    );
  }
  if (values.minInstances > values.maxInstances) {
    problems.push(
      `${label("maxInstances")} = ${values.maxInstances} is below ${label("minInstances")} = ${values.minInstances}`,
    );
  }
  return problems;
}

/** Applies defaults; throws an ArgumentError listing every problem. */
export function resolveEcsClusterArgs(args: Given, name = "cluster"): ResolvedEcsClusterArgs {
  throwIfProblems("EcsCluster", ecsClusterArgsProblems(name, args));
  const { values } = checkArgs(ECS_CLUSTER_ARGS, args);
  return {
    ...values,
    architecture: values.architecture as Architecture,
    instance: instanceTypeInfo(values.instanceType) as InstanceTypeInfo,
  };
}

/** What the capacity check needs to know about a cluster's instances. */
export interface ClusterCapacity {
  /** EC2 instance type name. */
  instanceType: string;
  /** The instance type's facts. */
  instance: InstanceTypeInfo;
  /** Fewest instances. */
  minInstances: number;
  /** Most instances. */
  maxInstances: number;
}

/** What a service needs of a cluster. An `EcsCluster` is one. */
export interface EcsClusterRef {
  /** The cluster's ARN. */
  readonly clusterArn: pulumi.Input<string>;
  /** The cluster's name. */
  readonly clusterName: pulumi.Input<string>;
  /** The capacity provider a service places its tasks with. */
  readonly capacityProviderName: pulumi.Input<string>;
  /** The container instances' security group. */
  readonly instanceSecurityGroupId: pulumi.Input<string>;
  /** The container instances' Auto Scaling group, for dashboards. */
  readonly autoScalingGroupName: pulumi.Input<string>;
  /** CPU architecture of the instances: an image must be built for it. */
  readonly architecture: Architecture;
  /** The instances' size and count, for the capacity check. */
  readonly capacity: ClusterCapacity;
}

/** The instance role's trust policy: EC2 only. */
export const EC2_TRUST_POLICY: aws.iam.PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

/** The instance role's only permissions: register with ECS and pull images; be reachable by Session Manager. */
export const INSTANCE_MANAGED_POLICIES = {
  "ecs-for-ec2": PROGRAM_MANAGED_POLICIES.ecsContainerInstance,
  "ssm-core": PROGRAM_MANAGED_POLICIES.ssmManagedInstance,
} as const;

/** An ECS cluster with EC2 capacity in private subnets, scaled by an ASG capacity provider. */
export class EcsCluster extends pulumi.ComponentResource implements EcsClusterRef {
  /** The ECS cluster. */
  readonly cluster: aws.ecs.Cluster;
  /** The Auto Scaling group of the container instances. */
  readonly autoScalingGroup: aws.autoscaling.Group;
  /** The launch template every instance starts from. */
  readonly launchTemplate: aws.ec2.LaunchTemplate;
  /** The capacity provider: the cluster's default strategy, with managed scaling. */
  readonly capacityProvider: aws.ecs.CapacityProvider;
  /** The instances' security group: no ingress until a load balancer adds its own. */
  readonly instanceSecurityGroup: aws.ec2.SecurityGroup;
  /** The instances' role. */
  readonly instanceRole: aws.iam.Role;
  /** The cluster's name; depends on the capacity provider association, so services created with it use it. */
  readonly clusterName: pulumi.Output<string>;
  /** The cluster's ARN; depends on the capacity provider association like clusterName. */
  readonly clusterArn: pulumi.Output<string>;
  /** The capacity provider's name, the cluster's default strategy; for a service's explicit strategy. */
  readonly capacityProviderName: pulumi.Output<string>;
  /** The instances' security group's id. */
  readonly instanceSecurityGroupId: pulumi.Output<string>;
  /** The Auto Scaling group's name, for alarms and dashboards. */
  readonly autoScalingGroupName: pulumi.Output<string>;
  /** CPU architecture of the instances. */
  readonly architecture: Architecture;
  /** The instances' size and count. */
  readonly capacity: ClusterCapacity;

  constructor(name: string, args: EcsClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-json-api:ecs:EcsCluster", name, {}, opts);
    const r = resolveEcsClusterArgs(args, name);
    const provider = componentProvider(this, name, "EcsCluster", args, opts);
    const childOpts = { parent: this, provider };

    const cluster = new aws.ecs.Cluster(
      `${name}-cluster`,
      { settings: [{ name: "containerInsights", value: "enabled" }] },
      childOpts,
    );

    // Instance identity: an EC2-only role with the two managed policies, behind an instance profile.
    const role = programRole(
      `${name}-instance-role`,
      {
        description: "ECS container instances: register with the cluster, pull images, SSM Session Manager",
        assumeRolePolicy: JSON.stringify(EC2_TRUST_POLICY),
        permissionsBoundary: args.permissionsBoundary,
      },
      childOpts,
    );
    const partition = aws.getPartitionOutput({}, childOpts).partition;
    const attachments = Object.entries(INSTANCE_MANAGED_POLICIES).map(
      ([key, policy]) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-${key}`,
          { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}` },
          childOpts,
        ),
    );
    const profile = new aws.iam.InstanceProfile(
      `${name}-instance-profile`,
      { role: role.name, path: programIamPath() },
      childOpts,
    );

    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-instance-sg`,
      {
        vpcId: args.network.vpcId,
        description: "ECS container instances: ingress only from the load balancer, HTTPS egress",
      },
      childOpts,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-https-egress`,
      {
        securityGroupId: securityGroup.id,
        description: "HTTPS to AWS APIs (ECR, ECS, CloudWatch, SSM, S3) via NAT or VPC endpoints",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
      },
      childOpts,
    );

    const ami = aws.ssm.getParameterOutput({ name: AMI_PARAMETERS[r.architecture] }, childOpts);
    const userData = cluster.name.apply((clusterName) =>
      Buffer.from(
        renderUserData({
          clusterName,
          spot: r.spot,
          containerStopTimeoutSeconds: r.containerStopTimeoutSeconds,
        }),
      ).toString("base64"),
    );
    const instanceTags = { ...args.tags, component: "EcsCluster", Name: `${name}-instance` };
    const launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-launch-template`,
      {
        description: "ECS container instances (ECS-optimized Amazon Linux 2023)",
        imageId: ami.value,
        instanceType: r.instanceType,
        iamInstanceProfile: { arn: profile.arn },
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [
          {
            deviceName: ROOT_DEVICE_NAME,
            ebs: {
              volumeSize: r.rootVolumeSizeGiB,
              volumeType: "gp3",
              encrypted: "true",
              deleteOnTermination: "true",
            },
          },
        ],
        // The group goes on the interface (a launch template with network interfaces may not also set
        // vpcSecurityGroupIds); private subnets assign no public IP.
        networkInterfaces: [
          { deviceIndex: 0, securityGroups: [securityGroup.id], deleteOnTermination: "true" },
        ],
        userData,
        updateDefaultVersion: true,
        // Auto Scaling group tags reach instances; volumes are tagged here.
        tagSpecifications: [{ resourceType: "volume", tags: instanceTags }],
      },
      childOpts,
    );

    // The explicit version (not $Latest) is what makes a launch template change start an instance refresh.
    const launchTemplateVersion = launchTemplate.latestVersion.apply((v) => `${v}`);
    const group = new aws.autoscaling.Group(
      `${name}-asg`,
      {
        vpcZoneIdentifiers: args.network.privateSubnetIds,
        minSize: r.minInstances,
        maxSize: r.maxInstances,
        // Group metrics are off unless listed; the service's dashboard graphs these two (free, 1-minute).
        enabledMetrics: [...ASG_METRICS],
        metricsGranularity: "1Minute",
        ...(r.spot
          ? {
              mixedInstancesPolicy: {
                instancesDistribution: {
                  onDemandBaseCapacity: 0,
                  onDemandPercentageAboveBaseCapacity: 0,
                  spotAllocationStrategy: "price-capacity-optimized",
                },
                launchTemplate: {
                  launchTemplateSpecification: {
                    launchTemplateId: launchTemplate.id,
                    version: launchTemplateVersion,
                  },
                  overrides: spotInstanceTypes(r.instanceType).map((instanceType) => ({ instanceType })),
                },
              },
              // Replace a Spot instance at risk before its interruption notice.
              capacityRebalance: true,
            }
          : {
              launchTemplate: { id: launchTemplate.id, version: launchTemplateVersion },
              capacityRebalance: false,
            }),
        // Managed termination protection requires it; ECS lifts it from instances that run no tasks.
        protectFromScaleIn: true,
        forceDelete: !r.deletionProtection,
        instanceRefresh: {
          strategy: "Rolling",
          preferences: {
            // Launch before terminate: full capacity throughout, even with a single instance.
            minHealthyPercentage: 100,
            maxHealthyPercentage: 200,
            // Every instance is protected from scale-in; the default (Ignore) would refresh none of them.
            scaleInProtectedInstances: "Refresh",
            standbyInstances: "Terminate",
            skipMatching: true,
          },
        },
        // Auto Scaling groups take no provider default tags; AmazonECSManaged is the tag ECS adds itself
        // when managed scaling is on, declared so Pulumi does not strip it and first instances carry it.
        tags: Object.entries({ ...instanceTags, AmazonECSManaged: "true" }).map(([key, value]) => ({
          key,
          value,
          propagateAtLaunch: true,
        })),
      },
      { ...childOpts, ignoreChanges: ["desiredCapacity"], dependsOn: attachments },
    );

    const capacityProvider = new aws.ecs.CapacityProvider(
      `${name}-capacity`,
      {
        autoScalingGroupProvider: {
          autoScalingGroupArn: group.arn,
          managedScaling: {
            status: "ENABLED",
            targetCapacity: r.targetCapacity,
            minimumScalingStepSize: 1,
            maximumScalingStepSize: 10,
            // An AL2023 ECS instance boots and registers in one to two minutes.
            instanceWarmupPeriod: 120,
          },
          managedTerminationProtection: "ENABLED",
          managedDraining: "ENABLED",
        },
      },
      childOpts,
    );
    const association = new aws.ecs.ClusterCapacityProviders(
      `${name}-capacity-providers`,
      {
        clusterName: cluster.name,
        capacityProviders: [capacityProvider.name],
        defaultCapacityProviderStrategies: [{ capacityProvider: capacityProvider.name, weight: 1, base: 0 }],
      },
      childOpts,
    );

    // Outputs a service is created from carry the association as a dependency: the service is created after
    // the cluster has its default strategy and destroyed before the association is removed (see Teardown).
    const afterAssociation = <T>(value: pulumi.Output<T>) =>
      pulumi.all([value, association.id]).apply(([v]) => v);
    this.cluster = cluster;
    this.autoScalingGroup = group;
    this.launchTemplate = launchTemplate;
    this.capacityProvider = capacityProvider;
    this.instanceSecurityGroup = securityGroup;
    this.instanceRole = role;
    this.clusterName = afterAssociation(cluster.name);
    this.clusterArn = afterAssociation(cluster.arn);
    this.capacityProviderName = afterAssociation(capacityProvider.name);
    this.instanceSecurityGroupId = securityGroup.id;
    this.autoScalingGroupName = group.name;
    this.architecture = r.architecture;
    this.capacity = {
      instanceType: r.instanceType,
      instance: r.instance,
      minInstances: r.minInstances,
      maxInstances: r.maxInstances,
    };
    this.registerOutputs({
      clusterName: this.clusterName,
      clusterArn: this.clusterArn,
      capacityProviderName: this.capacityProviderName,
      instanceSecurityGroupId: this.instanceSecurityGroupId,
      autoScalingGroupName: this.autoScalingGroupName,
      architecture: this.architecture,
      capacity: this.capacity,
    });
  }
}
