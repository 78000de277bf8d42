/**
 * components/ecsCluster.ts: its arguments and their rules, and what EcsCluster registers under mocks for a
 * test-like (x86_64 on Spot, disposable) and a prod-like (Graviton on demand, protected) cluster: the instances'
 * launch template, the Auto Scaling group, the capacity provider, the instance role and the teardown order.
 */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError, type Label } from "../../components/args";
import { AMI_PARAMETERS, renderUserData, spotInstanceTypes } from "../../components/containerInstance";
import {
  ASG_METRICS,
  EcsCluster,
  type EcsClusterArgs,
  ecsClusterArgsProblems,
  resolveEcsClusterArgs,
} from "../../components/ecsCluster";
import { IAM_PATH } from "../../components/iam";
import { INSTANCE_TYPES } from "../../components/instanceTypes";
import { type Evaluation, type RecordedResource, runUnderMocks } from "../../lib/harness";
import { checkStack } from "../../lib/policy";

const configKey: Label = (arg) => `ecs-json-api:${arg}`;
const SUBNETS = ["subnet-private-0", "subnet-private-1"];
const BOUNDARY = "arn:aws:iam::123456789012:policy/ci/ecs-json-api-workload-boundary";

/** Cluster args shaped like the test stack: x86_64 on Spot, disposable, in a network given as a plain reference. */
const TEST_LIKE: EcsClusterArgs = {
  region: "eu-west-1",
  tags: { project: "ecs-json-api", stack: "test" },
  network: { vpcId: "vpc-123", privateSubnetIds: SUBNETS },
  architecture: "x86_64",
  instanceType: "t3.medium",
  minInstances: 1,
  maxInstances: 2,
  spot: true,
};

/** Cluster args shaped like the prod stack: Graviton on demand, protected, with a permissions boundary. */
const PROD_LIKE: EcsClusterArgs = {
  region: "eu-west-1",
  tags: { project: "ecs-json-api", stack: "prod" },
  network: { vpcId: "vpc-456", privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"] },
  architecture: "arm64",
  instanceType: "m7g.large",
  minInstances: 3,
  maxInstances: 6,
  targetCapacity: 80,
  deletionProtection: true,
  containerStopTimeoutSeconds: 60,
  rootVolumeSizeGiB: 50,
  permissionsBoundary: BOUNDARY,
};

/** What a cluster run under mocks produced, plus what the tests read beside the recorded resources. */
interface Run {
  evaluation: Evaluation;
  cluster: EcsCluster;
  /** `ignoreChanges` per logical name, read by a stack transformation. */
  ignoreChanges: Map<string, string[]>;
}

async function run(args: EcsClusterArgs, stack: string): Promise<Run> {
  let cluster: EcsCluster | undefined;
  const ignoreChanges = new Map<string, string[]>();
  const evaluation = await runUnderMocks(
    async () => {
      pulumi.runtime.registerStackTransformation(({ name, opts }) => {
        if (opts.ignoreChanges) ignoreChanges.set(name, opts.ignoreChanges);
        return undefined;
      });
      cluster = new EcsCluster("cluster", args);
      // The AMI the mock cloud's SSM parameter holds, for comparison with the launch template's.
      const ami = await aws.ssm.getParameter({ name: AMI_PARAMETERS[cluster.architecture] });
      return {
        amiId: ami.value,
        children: [
          cluster.cluster,
          cluster.autoScalingGroup,
          cluster.launchTemplate,
          cluster.capacityProvider,
          cluster.instanceSecurityGroup,
          cluster.instanceRole,
        ].map((r) => r.urn),
        clusterName: cluster.clusterName,
        clusterArn: cluster.clusterArn,
        capacityProviderName: cluster.capacityProviderName,
        instanceSecurityGroupId: cluster.instanceSecurityGroupId,
        autoScalingGroupName: cluster.autoScalingGroupName,
      };
    },
    { stack },
  );
  return { evaluation, cluster: cluster as EcsCluster, ignoreChanges };
}

/** The names of the resources an output depends on: what a resource taking it as an input will depend on. */
function dependencies(output: pulumi.Output<unknown>): string[] {
  const resources = (output as unknown as { resources(): Set<pulumi.Resource> }).resources();
  return [...resources].map((r) => (r as unknown as { __name: string }).__name).sort();
}
const userDataOf = (lt: RecordedResource) => Buffer.from(lt.inputs.userData, "base64").toString("utf8");
const tagsOf = (asg: RecordedResource) =>
  Object.fromEntries(asg.inputs.tags.map((t: { key: string; value: string }) => [t.key, t.value]));

describe("components/ecsCluster", () => {
  describe("ecsClusterArgsProblems", () => {
    it("needs only a network: every default passes its own rule, and the default type is of the default architecture", () => {
      assert.deepEqual(ecsClusterArgsProblems("cluster", {}), []);
    });

    const refused: [string, EcsClusterArgs | Record<string, unknown>, string][] = [
      [
        "an unknown architecture",
        { architecture: "sparc" },
        'architecture = "sparc" is not allowed; expected one of "x86_64", "arm64"',
      ],
      [
        "an instance type the capacity check cannot size",
        { instanceType: "t9.huge" },
        `instanceType = "t9.huge" is not allowed; expected one of ${Object.keys(INSTANCE_TYPES)
          .map((t) => `"${t}"`)
          .join(", ")}`,
      ],
      [
        "an instance type of the other architecture",
        { architecture: "x86_64", instanceType: "m7g.large" },
        'instanceType = "m7g.large" is arm64, but architecture = "x86_64"; the image would not run on it',
      ],
      [
        "fewer than 0 instances",
        { minInstances: -1 },
        "minInstances = -1 is not allowed; expected a whole number from 0 to 100",
      ],
      [
        "a maximum of 0 instances",
        { minInstances: 0, maxInstances: 0 },
        "maxInstances = 0 is not allowed; expected a whole number from 1 to 100",
      ],
      [
        "a maximum below the minimum",
        { minInstances: 3, maxInstances: 2 },
        "maxInstances = 2 is below minInstances = 3",
      ],
      [
        "a target utilisation of 0%",
        { targetCapacity: 0 },
        "targetCapacity = 0 is not allowed; expected a whole number from 1 to 100",
      ],
      [
        "a target utilisation above 100%",
        { targetCapacity: 101 },
        "targetCapacity = 101 is not allowed; expected a whole number from 1 to 100",
      ],
      [
        "a stop timeout longer than a Spot interruption's two minutes",
        { containerStopTimeoutSeconds: 121 },
        "containerStopTimeoutSeconds = 121 is not allowed; expected a whole number from 1 to 120",
      ],
      [
        "a root volume smaller than the AMI's snapshot",
        { rootVolumeSizeGiB: 29 },
        "rootVolumeSizeGiB = 29 is not allowed; expected a whole number from 30 to 16384",
      ],
      [
        "a string where a boolean belongs",
        { spot: "true" },
        'spot = "true" is not allowed; expected true or false',
      ],
    ];
    for (const [what, args, problem] of refused) {
      it(`refuses ${what}`, () => {
        assert.deepEqual(ecsClusterArgsProblems("cluster", args as EcsClusterArgs), [problem]);
      });
    }

    for (const name of ["ecs", "AWS-cluster", "fargate-apps"]) {
      it(`refuses the name "${name}", which would auto-name a capacity provider AWS rejects`, () => {
        assert.deepEqual(ecsClusterArgsProblems(name, {}), [
          `name "${name}" would auto-name the capacity provider "${name}-capacity-…", and AWS rejects capacity provider names starting with aws, ecs or fargate; choose another name`,
        ]);
      });
    }

    it("reports every problem at once, the cross-argument ones included, each naming its arguments through the label", () => {
      assert.deepEqual(
        ecsClusterArgsProblems(
          "cluster",
          {
            architecture: "arm64",
            instanceType: "t3.medium",
            minInstances: 5,
            maxInstances: 2,
            targetCapacity: 0,
          },
          configKey,
        ),
        [
          "ecs-json-api:targetCapacity = 0 is not allowed; expected a whole number from 1 to 100",
          'ecs-json-api:instanceType = "t3.medium" is x86_64, but ecs-json-api:architecture = "arm64"; the image would not run on it',
          "ecs-json-api:maxInstances = 2 is below ecs-json-api:minInstances = 5",
        ],
      );
    });
  });

  describe("resolveEcsClusterArgs", () => {
    it("adds the instance type's facts for the capacity check", () => {
      assert.equal(
        resolveEcsClusterArgs({ instanceType: "t4g.small" }).instance,
        INSTANCE_TYPES["t4g.small"],
      );
    });

    it("throws one ArgumentError for EcsCluster listing every problem", () => {
      assert.throws(
        () => resolveEcsClusterArgs({ minInstances: 4, maxInstances: 3, spot: 1 as unknown as boolean }),
        (err: unknown) =>
          err instanceof ArgumentError && err.component === "EcsCluster" && err.problems.length === 2,
      );
    });
  });

  describe("test-like: x86_64 on Spot, no deletion protection", () => {
    let t: Run;
    before(async () => {
      t = await run(TEST_LIKE, "test");
    });
    const one = (type: string) => t.evaluation.one(type);

    it("creates exactly the cluster, its capacity, and the instances' identity and network", () => {
      const children = t.evaluation.childrenOf(t.evaluation.named("cluster"));
      assert.deepEqual(children.map((c) => `${c.type} ${c.name}`).sort(), [
        "aws:autoscaling/group:Group cluster-asg",
        "aws:ec2/launchTemplate:LaunchTemplate cluster-launch-template",
        "aws:ec2/securityGroup:SecurityGroup cluster-instance-sg",
        "aws:ecs/capacityProvider:CapacityProvider cluster-capacity",
        "aws:ecs/cluster:Cluster cluster-cluster",
        "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders cluster-capacity-providers",
        "aws:iam/instanceProfile:InstanceProfile cluster-instance-profile",
        "aws:iam/role:Role cluster-instance-role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment cluster-ecs-for-ec2",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment cluster-ssm-core",
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule cluster-https-egress",
        "pulumi:providers:aws cluster-aws",
      ]);
    });

    it("registers every AWS child with the component's provider, tagged with the component", () => {
      const provider = t.evaluation.named("cluster-aws");
      assert.equal(JSON.parse(provider.inputs.defaultTags).tags.component, "EcsCluster");
      for (const child of t.evaluation.childrenOf(t.evaluation.named("cluster"))) {
        if (child.type.startsWith("pulumi:providers:")) continue;
        assert.equal(t.evaluation.providerOf(child)?.name, provider.name, child.name);
      }
    });

    it("exposes its main children, so a caller can extend them", () => {
      assert.deepEqual(
        t.evaluation.outputs.children.map((urn: string) => urn.split("::").pop()),
        [
          "cluster-cluster",
          "cluster-asg",
          "cluster-launch-template",
          "cluster-capacity",
          "cluster-instance-sg",
          "cluster-instance-role",
        ],
      );
    });

    it("tells services its architecture and capacity, for the image and the capacity check", () => {
      assert.equal(t.cluster.architecture, "x86_64");
      assert.deepEqual(t.cluster.capacity, {
        instanceType: "t3.medium",
        instance: INSTANCE_TYPES["t3.medium"],
        minInstances: 1,
        maxInstances: 2,
      });
    });

    it("enables Container Insights and lets Pulumi name the cluster", () => {
      const cluster = one("aws:ecs/cluster:Cluster");
      assert.deepEqual(cluster.inputs.settings, [{ name: "containerInsights", value: "enabled" }]);
      assert.equal(cluster.inputs.name, undefined);
    });

    it("launches the ECS-optimized AL2023 AMI of the architecture, resolved from its SSM parameter on each deploy", () => {
      const lookups = t.evaluation.invokesOf("aws:ssm/getParameter:getParameter").map((i) => i.args.name);
      assert.deepEqual(lookups, [AMI_PARAMETERS.x86_64, AMI_PARAMETERS.x86_64]); // the component's, then the test's
      const lt = one("aws:ec2/launchTemplate:LaunchTemplate");
      assert.equal(lt.inputs.imageId, t.evaluation.outputs.amiId);
      assert.equal(lt.inputs.instanceType, "t3.medium");
    });

    it("requires IMDSv2 with a hop limit of 1, so bridge-mode containers cannot reach the instance role", () => {
      assert.deepEqual(one("aws:ec2/launchTemplate:LaunchTemplate").inputs.metadataOptions, {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      });
    });

    it("boots from an encrypted gp3 root volume of the AMI's snapshot size on the AMI's root device, tagged", () => {
      const lt = one("aws:ec2/launchTemplate:LaunchTemplate");
      assert.deepEqual(lt.inputs.blockDeviceMappings, [
        {
          deviceName: "/dev/xvda",
          ebs: { volumeSize: 30, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
        },
      ]);
      assert.deepEqual(lt.inputs.tagSpecifications, [
        {
          resourceType: "volume",
          tags: { project: "ecs-json-api", stack: "test", component: "EcsCluster", Name: "cluster-instance" },
        },
      ]);
    });

    it("has no public IP, no key pair, and the instance security group on its interface", () => {
      const lt = one("aws:ec2/launchTemplate:LaunchTemplate");
      const sg = one("aws:ec2/securityGroup:SecurityGroup");
      assert.deepEqual(lt.inputs.networkInterfaces, [
        { deviceIndex: 0, securityGroups: [sg.state.id], deleteOnTermination: "true" },
      ]);
      assert.equal(lt.inputs.keyName, undefined);
      assert.equal(lt.inputs.vpcSecurityGroupIds, undefined);
    });

    it("runs as the instance profile of the instance role, both under the program's IAM path", () => {
      const lt = one("aws:ec2/launchTemplate:LaunchTemplate");
      const profile = one("aws:iam/instanceProfile:InstanceProfile");
      const role = one("aws:iam/role:Role");
      assert.deepEqual(lt.inputs.iamInstanceProfile, { arn: profile.state.arn });
      assert.equal(profile.inputs.role, role.state.name);
      assert.equal(profile.inputs.path, IAM_PATH);
      assert.equal(role.inputs.path, IAM_PATH);
    });

    it("joins the cluster through user data, with Spot draining and the default 30 s stop timeout", () => {
      const lt = one("aws:ec2/launchTemplate:LaunchTemplate");
      const cluster = one("aws:ecs/cluster:Cluster");
      assert.equal(
        userDataOf(lt),
        renderUserData({ clusterName: cluster.state.name, spot: true, containerStopTimeoutSeconds: 30 }),
      );
    });

    it("trusts only EC2 with the instance role and attaches only the ECS and SSM core managed policies", () => {
      const role = one("aws:iam/role:Role");
      assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement, [
        { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
      assert.equal(role.inputs.managedPolicyArns, undefined);
      assert.equal(role.inputs.inlinePolicies, undefined);
      const attachments = t.evaluation.resourcesOfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
      assert.deepEqual(attachments.map((a) => a.inputs.policyArn).sort(), [
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
      ]);
      for (const a of attachments) assert.equal(a.inputs.role, role.state.name);
      assert.equal(t.evaluation.resourcesOfType("aws:iam/rolePolicy:RolePolicy").length, 0);
    });

    it("gives the instance role no permissions boundary when none is given", () => {
      assert.equal(one("aws:iam/role:Role").inputs.permissionsBoundary, undefined);
    });

    it("gives the instances no ingress and described HTTPS-only egress", () => {
      const sg = one("aws:ec2/securityGroup:SecurityGroup");
      assert.equal(sg.inputs.vpcId, "vpc-123");
      assert.equal(sg.inputs.ingress, undefined);
      assert.equal(sg.inputs.egress, undefined);
      assert.equal(
        t.evaluation.resourcesOfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").length,
        0,
      );
      const [egress] = t.evaluation.resourcesOfType(
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
      );
      assert.equal(egress.inputs.securityGroupId, sg.state.id);
      assert.deepEqual(
        [egress.inputs.ipProtocol, egress.inputs.fromPort, egress.inputs.toPort, egress.inputs.cidrIpv4],
        ["tcp", 443, 443, "0.0.0.0/0"],
      );
      assert.ok(egress.inputs.description.length > 0);
    });

    it("spreads the Auto Scaling group over the network's private subnets, with min and max from the args", () => {
      const asg = one("aws:autoscaling/group:Group");
      assert.deepEqual(asg.inputs.vpcZoneIdentifiers, SUBNETS);
      assert.equal(asg.inputs.minSize, 1);
      assert.equal(asg.inputs.maxSize, 2);
    });

    it("leaves the desired capacity to managed scaling", () => {
      assert.equal(one("aws:autoscaling/group:Group").inputs.desiredCapacity, undefined);
      assert.deepEqual(t.ignoreChanges.get("cluster-asg"), ["desiredCapacity"]);
    });

    it("publishes, every minute, the group metrics the dashboard graphs", () => {
      const asg = one("aws:autoscaling/group:Group");
      assert.deepEqual(asg.inputs.enabledMetrics, [...ASG_METRICS]);
      assert.equal(asg.inputs.metricsGranularity, "1Minute");
    });

    it("protects new instances from scale-in and tags them, AmazonECSManaged included, at launch", () => {
      const asg = one("aws:autoscaling/group:Group");
      assert.equal(asg.inputs.protectFromScaleIn, true);
      assert.ok(asg.inputs.tags.every((tag: { propagateAtLaunch: boolean }) => tag.propagateAtLaunch));
      assert.deepEqual(tagsOf(asg), {
        project: "ecs-json-api",
        stack: "test",
        component: "EcsCluster",
        Name: "cluster-instance",
        AmazonECSManaged: "true",
      });
    });

    it("runs everything on Spot across the same-size instance types, price-capacity-optimized, rebalancing", () => {
      const asg = one("aws:autoscaling/group:Group");
      const lt = one("aws:ec2/launchTemplate:LaunchTemplate");
      assert.equal(asg.inputs.launchTemplate, undefined);
      const policy = asg.inputs.mixedInstancesPolicy;
      assert.deepEqual(policy.instancesDistribution, {
        onDemandBaseCapacity: 0,
        onDemandPercentageAboveBaseCapacity: 0,
        spotAllocationStrategy: "price-capacity-optimized",
      });
      assert.deepEqual(policy.launchTemplate.launchTemplateSpecification, {
        launchTemplateId: lt.state.id,
        version: "1",
      });
      assert.deepEqual(
        policy.launchTemplate.overrides,
        spotInstanceTypes("t3.medium").map((instanceType) => ({ instanceType })),
      );
      assert.equal(asg.inputs.capacityRebalance, true);
    });

    it("rolls the instances when the launch template changes, launching before terminating, protected ones too", () => {
      // The template's explicit version (not $Latest) is what makes a change start a refresh.
      assert.equal(one("aws:ec2/launchTemplate:LaunchTemplate").inputs.updateDefaultVersion, true);
      const refresh = one("aws:autoscaling/group:Group").inputs.instanceRefresh;
      assert.equal(refresh.strategy, "Rolling");
      assert.equal(refresh.preferences.minHealthyPercentage, 100);
      assert.equal(refresh.preferences.maxHealthyPercentage, 200);
      assert.equal(refresh.preferences.scaleInProtectedInstances, "Refresh");
    });

    it("scales with a capacity provider: managed scaling to 100% by default, termination protection, draining", () => {
      const cp = one("aws:ecs/capacityProvider:CapacityProvider");
      const asg = one("aws:autoscaling/group:Group");
      const provider = cp.inputs.autoScalingGroupProvider;
      assert.equal(provider.autoScalingGroupArn, asg.state.arn);
      assert.equal(provider.managedScaling.status, "ENABLED");
      assert.equal(provider.managedScaling.targetCapacity, 100);
      assert.equal(provider.managedTerminationProtection, "ENABLED");
      assert.equal(provider.managedDraining, "ENABLED");
    });

    it("makes the capacity provider the cluster's default strategy", () => {
      const association = one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders");
      const cp = one("aws:ecs/capacityProvider:CapacityProvider");
      assert.equal(association.inputs.clusterName, one("aws:ecs/cluster:Cluster").state.name);
      assert.deepEqual(association.inputs.capacityProviders, [cp.state.name]);
      assert.deepEqual(association.inputs.defaultCapacityProviderStrategies, [
        { capacityProvider: cp.state.name, weight: 1, base: 0 },
      ]);
    });

    describe("teardown: what makes `pulumi destroy` finish", () => {
      it("force-deletes the Auto Scaling group, terminating its protected instances", () => {
        assert.equal(one("aws:autoscaling/group:Group").inputs.forceDelete, true);
      });

      it("deletes services before the association, by making the outputs they are built from depend on it", () => {
        assert.deepEqual(dependencies(t.cluster.clusterName), [
          "cluster-capacity-providers",
          "cluster-cluster",
        ]);
        assert.deepEqual(dependencies(t.cluster.clusterArn), [
          "cluster-capacity-providers",
          "cluster-cluster",
        ]);
        assert.deepEqual(dependencies(t.cluster.capacityProviderName), [
          "cluster-capacity",
          "cluster-capacity-providers",
        ]);
      });

      it("deletes the association, then the capacity provider, the group, the launch template and last the cluster", () => {
        // A resource is deleted before the resources whose outputs it consumes.
        const association = one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders");
        const cp = one("aws:ecs/capacityProvider:CapacityProvider");
        const asg = one("aws:autoscaling/group:Group");
        const lt = one("aws:ec2/launchTemplate:LaunchTemplate");
        const cluster = one("aws:ecs/cluster:Cluster");
        assert.deepEqual(association.inputs.capacityProviders, [cp.state.name]);
        assert.equal(cp.inputs.autoScalingGroupProvider.autoScalingGroupArn, asg.state.arn);
        assert.equal(
          asg.inputs.mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.launchTemplateId,
          lt.state.id,
        );
        assert.ok(userDataOf(lt).includes(`ECS_CLUSTER=${cluster.state.name}\n`));
      });

      it("keeps the instance role's policies until the group is gone, so the agent can drain", () => {
        const attachments = t.evaluation.resourcesOfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        assert.deepEqual(
          [...one("aws:autoscaling/group:Group").options.dependsOn].sort(),
          attachments.map((a) => a.name).sort(),
        );
      });
    });

    it("outputs the names and ids others wire to", () => {
      const o = t.evaluation.outputs;
      assert.equal(o.clusterName, one("aws:ecs/cluster:Cluster").state.name);
      assert.equal(o.clusterArn, one("aws:ecs/cluster:Cluster").state.arn);
      assert.equal(o.capacityProviderName, one("aws:ecs/capacityProvider:CapacityProvider").state.name);
      assert.equal(o.instanceSecurityGroupId, one("aws:ec2/securityGroup:SecurityGroup").state.id);
      assert.equal(o.autoScalingGroupName, one("aws:autoscaling/group:Group").state.name);
    });

    it("passes the project's policy pack", async () => {
      assert.deepEqual((await checkStack(t.evaluation)).violations, []);
    });
  });

  describe("prod-like: arm64 on demand, deletion protection, a permissions boundary", () => {
    let p: Run;
    before(async () => {
      p = await run(PROD_LIKE, "prod");
    });
    const one = (type: string) => p.evaluation.one(type);

    it("launches the arm64 AMI on the given instance type", () => {
      assert.deepEqual(
        p.evaluation.invokesOf("aws:ssm/getParameter:getParameter").map((i) => i.args.name),
        [AMI_PARAMETERS.arm64, AMI_PARAMETERS.arm64],
      );
      const lt = one("aws:ec2/launchTemplate:LaunchTemplate");
      assert.equal(lt.inputs.imageId, p.evaluation.outputs.amiId);
      assert.equal(lt.inputs.instanceType, "m7g.large");
    });

    it("keeps the same IMDS settings", () => {
      assert.equal(
        one("aws:ec2/launchTemplate:LaunchTemplate").inputs.metadataOptions.httpPutResponseHopLimit,
        1,
      );
      assert.equal(
        one("aws:ec2/launchTemplate:LaunchTemplate").inputs.metadataOptions.httpTokens,
        "required",
      );
    });

    it("sizes the root volume as asked", () => {
      assert.equal(
        one("aws:ec2/launchTemplate:LaunchTemplate").inputs.blockDeviceMappings[0].ebs.volumeSize,
        50,
      );
    });

    it("writes no Spot draining and the configured stop timeout", () => {
      const text = userDataOf(one("aws:ec2/launchTemplate:LaunchTemplate"));
      assert.equal(
        text,
        renderUserData({
          clusterName: one("aws:ecs/cluster:Cluster").state.name,
          spot: false,
          containerStopTimeoutSeconds: 60,
        }),
      );
      assert.doesNotMatch(text, /SPOT/);
    });

    it("uses the plain launch template, on demand, without capacity rebalancing", () => {
      const asg = one("aws:autoscaling/group:Group");
      assert.equal(asg.inputs.mixedInstancesPolicy, undefined);
      assert.deepEqual(asg.inputs.launchTemplate, {
        id: one("aws:ec2/launchTemplate:LaunchTemplate").state.id,
        version: "1",
      });
      assert.equal(asg.inputs.capacityRebalance, false);
    });

    it("spreads 3 to 6 instances over three private subnets", () => {
      const asg = one("aws:autoscaling/group:Group");
      assert.deepEqual(asg.inputs.vpcZoneIdentifiers, ["subnet-a", "subnet-b", "subnet-c"]);
      assert.deepEqual([asg.inputs.minSize, asg.inputs.maxSize], [3, 6]);
    });

    it("does not force-delete the group: instances drain before it goes", () => {
      assert.equal(one("aws:autoscaling/group:Group").inputs.forceDelete, false);
    });

    it("targets the given utilisation", () => {
      assert.equal(
        one("aws:ecs/capacityProvider:CapacityProvider").inputs.autoScalingGroupProvider.managedScaling
          .targetCapacity,
        80,
      );
    });

    it("gives the instance role the permissions boundary it is given", () => {
      assert.equal(one("aws:iam/role:Role").inputs.permissionsBoundary, BOUNDARY);
    });

    it("tags the instances with the prod stack", () => {
      assert.equal(tagsOf(one("aws:autoscaling/group:Group")).stack, "prod");
    });

    it("passes the project's policy pack", async () => {
      assert.deepEqual((await checkStack(p.evaluation)).violations, []);
    });
  });

  it("throws every argument problem before creating any AWS resource", async () => {
    let error: unknown;
    const evaluation = await runUnderMocks(() => {
      try {
        new EcsCluster("cluster", { ...TEST_LIKE, minInstances: 3, maxInstances: 2 });
      } catch (err) {
        error = err;
      }
    });
    assert.ok(error instanceof ArgumentError);
    assert.deepEqual(error.problems, ["maxInstances = 2 is below minInstances = 3"]);
    assert.deepEqual(
      evaluation.resources.filter((r) => r.custom).map((r) => r.type),
      [],
    );
  });
});
