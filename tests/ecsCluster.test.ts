import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import {
  AMI_PARAMETERS,
  agentConfig,
  renderUserData,
  spotInstanceTypes,
} from "../components/containerInstance";
import {
  DYNAMIC_HOST_PORTS,
  EcsCluster,
  type EcsClusterArgs,
  resolveEcsClusterArgs,
} from "../components/ecsCluster";
import { type Evaluation, type RecordedResource, runUnderMocks } from "../lib/harness";
import { checkStack } from "../lib/policy";
import { INSTANCE_TYPES } from "../stacks/instanceTypes";

const COMMON = { region: "eu-west-1", tags: { project: "ecs-json-api", stack: "test" } };
const SUBNETS = ["subnet-private-0", "subnet-private-1"];

/** Cluster args shaped like the test stack: x86_64 on Spot, disposable. */
const TEST_LIKE: EcsClusterArgs = {
  ...COMMON,
  vpcId: "vpc-123",
  privateSubnetIds: SUBNETS,
  architecture: "x86_64",
  instanceType: "t3.medium",
  minInstances: 1,
  maxInstances: 2,
  spot: true,
  targetCapacity: 100,
  deletionProtection: false,
};

/** Cluster args shaped like the prod stack: Graviton on demand, protected. */
const PROD_LIKE: EcsClusterArgs = {
  ...COMMON,
  tags: { project: "ecs-json-api", stack: "prod" },
  vpcId: "vpc-456",
  privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  architecture: "arm64",
  instanceType: "m7g.large",
  minInstances: 3,
  maxInstances: 6,
  spot: false,
  targetCapacity: 80,
  deletionProtection: true,
  containerStopTimeoutSeconds: 60,
};

describe("the container instance's user data", () => {
  it("writes the cluster, metadata, stop timeout, task roles and Spot draining to /etc/ecs/ecs.config", () => {
    assert.equal(
      renderUserData({ clusterName: "c-123", spot: true, containerStopTimeoutSeconds: 30 }),
      [
        "#!/bin/bash",
        "# Joins this instance to its ECS cluster; written by the EcsCluster component.",
        "set -euo pipefail",
        "cat >> /etc/ecs/ecs.config <<'EOF'",
        "ECS_CLUSTER=c-123",
        "ECS_ENABLE_CONTAINER_METADATA=true",
        "ECS_CONTAINER_STOP_TIMEOUT=30s",
        "ECS_ENABLE_TASK_IAM_ROLE=true",
        "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true",
        "EOF",
        "",
      ].join("\n"),
    );
  });

  it("enables Spot draining only on Spot", () => {
    const keys = agentConfig({ clusterName: "c", spot: false, containerStopTimeoutSeconds: 45 }).map(
      ([k]) => k,
    );
    assert.deepEqual(keys, [
      "ECS_CLUSTER",
      "ECS_ENABLE_CONTAINER_METADATA",
      "ECS_CONTAINER_STOP_TIMEOUT",
      "ECS_ENABLE_TASK_IAM_ROLE",
    ]);
  });

  it("refuses a cluster name that is not one (nothing reaches the shell unchecked)", () => {
    assert.throws(
      () => renderUserData({ clusterName: "x\nEOF\nrm -rf /", spot: false, containerStopTimeoutSeconds: 30 }),
      /agentConfig: "x\nEOF\nrm -rf \/" is not an ECS cluster name/,
    );
  });
});

describe("the AMI parameters", () => {
  it("name AWS's ECS-optimized Amazon Linux 2023 image per architecture", () => {
    assert.deepEqual(AMI_PARAMETERS, {
      x86_64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
      arm64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
    });
  });
});

describe("Spot instance types", () => {
  it("start with the configured type, then the same-size types of its architecture", () => {
    assert.deepEqual(spotInstanceTypes("t3.medium"), ["t3.medium", "c6i.large"]);
    assert.deepEqual(spotInstanceTypes("t3.large"), ["t3.large", "m6i.large", "m7i.large"]);
    assert.deepEqual(spotInstanceTypes("m7g.large"), ["m7g.large", "m6g.large", "t4g.large"]);
  });

  it("never mix architectures, vCPUs or memory, for every known type", () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(INSTANCE_TYPES)), (type) => {
        const base = INSTANCE_TYPES[type];
        const types = spotInstanceTypes(type);
        assert.equal(types[0], type);
        assert.equal(new Set(types).size, types.length);
        for (const t of types) {
          assert.equal(INSTANCE_TYPES[t].architecture, base.architecture);
          assert.equal(INSTANCE_TYPES[t].cpuUnits, base.cpuUnits);
          assert.equal(INSTANCE_TYPES[t].memoryMiB, base.memoryMiB);
        }
      }),
    );
  });
});

describe("resolveEcsClusterArgs", () => {
  it("applies the defaults", () => {
    const { spot, targetCapacity, deletionProtection, ...bare } = TEST_LIKE;
    const r = resolveEcsClusterArgs(bare);
    assert.equal(r.spot, false);
    assert.equal(r.targetCapacity, 100);
    assert.equal(r.deletionProtection, false);
    assert.equal(r.containerStopTimeoutSeconds, 30);
    assert.equal(r.rootVolumeSizeGiB, 30);
  });

  const errors: [string, Partial<EcsClusterArgs>, string][] = [
    [
      "an unknown architecture",
      { architecture: "sparc" },
      'architecture "sparc" is not supported; use x86_64 or arm64',
    ],
    [
      "an unknown instance type",
      { instanceType: "t9.huge" },
      `instanceType "t9.huge" is not supported; supported: ${Object.keys(INSTANCE_TYPES).join(", ")}`,
    ],
    [
      "an instance type of the other architecture",
      { instanceType: "m7g.large" },
      'instanceType "m7g.large" is arm64, but architecture is "x86_64"',
    ],
    ["min > max", { minInstances: 3, maxInstances: 2 }, "minInstances 3 is above maxInstances 2"],
    ["a negative minimum", { minInstances: -1 }, "minInstances -1 must be a whole number of at least 0"],
    [
      "a zero maximum",
      { minInstances: 0, maxInstances: 0 },
      "maxInstances 0 must be a whole number of at least 1",
    ],
    ["targetCapacity 0", { targetCapacity: 0 }, "targetCapacity 0 must be a whole percentage from 1 to 100"],
    [
      "targetCapacity 101",
      { targetCapacity: 101 },
      "targetCapacity 101 must be a whole percentage from 1 to 100",
    ],
    [
      "a stop timeout longer than a Spot notice",
      { containerStopTimeoutSeconds: 121 },
      "containerStopTimeoutSeconds 121 must be a whole number from 1 to 120 (a Spot interruption gives two minutes)",
    ],
    [
      "a root volume smaller than the AMI",
      { rootVolumeSizeGiB: 20 },
      "rootVolumeSizeGiB 20 must be a whole number of at least 30 (the AMI's root snapshot)",
    ],
  ];
  for (const [what, override, message] of errors) {
    it(`rejects ${what}`, () => {
      assert.throws(
        () => resolveEcsClusterArgs({ ...TEST_LIKE, ...override }),
        (err: Error) => err.message === `EcsCluster: ${message}`,
      );
    });
  }

  it("rejects a name the capacity provider could not be auto-named from", () => {
    assert.throws(
      () => resolveEcsClusterArgs(TEST_LIKE, "ecs"),
      (err: Error) =>
        err.message ===
        'EcsCluster: name "ecs" would auto-name the capacity provider "ecs-capacity-…", and AWS rejects capacity provider names starting with aws, ecs or fargate; choose another name',
    );
  });

  it("reports every problem at once", () => {
    assert.throws(
      () =>
        resolveEcsClusterArgs({
          ...TEST_LIKE,
          architecture: "arm64",
          instanceType: "t3.medium",
          minInstances: 5,
          maxInstances: 2,
          targetCapacity: 0,
        }),
      (err: Error) =>
        err.message ===
        'EcsCluster: instanceType "t3.medium" is x86_64, but architecture is "arm64"; minInstances 5 is above maxInstances 2; targetCapacity 0 must be a whole percentage from 1 to 100',
    );
  });
});

/** What a component run under mocks produced, plus what the tests read beside the recorded resources. */
interface Run {
  evaluation: Evaluation;
  cluster: EcsCluster;
  /** `ignoreChanges` per logical name, captured by a stack transformation. */
  ignoreChanges: Map<string, string[]>;
  /** The AMI id the SSM parameter resolves to in the mock cloud. */
  amiId: string;
}

async function run(args: EcsClusterArgs): Promise<Run> {
  let cluster: EcsCluster | undefined;
  const ignoreChanges = new Map<string, string[]>();
  const evaluation = await runUnderMocks(
    async () => {
      pulumi.runtime.registerStackTransformation(({ name, opts }) => {
        if (opts.ignoreChanges) ignoreChanges.set(name, opts.ignoreChanges);
        return undefined;
      });
      cluster = new EcsCluster("cluster", args);
      const ami = await aws.ssm.getParameter({
        name: AMI_PARAMETERS[args.architecture as "x86_64" | "arm64"],
      });
      return {
        amiId: ami.value,
        clusterName: cluster.clusterName,
        clusterArn: cluster.clusterArn,
        capacityProviderName: cluster.capacityProviderName,
        instanceSecurityGroupId: cluster.instanceSecurityGroupId,
        autoScalingGroupName: cluster.autoScalingGroupName,
        autoScalingGroupArn: cluster.autoScalingGroupArn,
        instanceRoleArn: cluster.instanceRoleArn,
      };
    },
    { stack: args.tags.stack },
  );
  return { evaluation, cluster: cluster as EcsCluster, ignoreChanges, amiId: evaluation.outputs.amiId };
}

/** The names of the resources an output depends on (what a resource using it as an input will depend on). */
function dependencies(output: pulumi.Output<unknown>): string[] {
  const resources = (output as unknown as { resources(): Set<pulumi.Resource> }).resources();
  return [...resources].map((r) => (r as unknown as { __name: string }).__name).sort();
}

const userDataOf = (lt: RecordedResource) => Buffer.from(lt.inputs.userData, "base64").toString("utf8");

describe("EcsCluster", () => {
  describe("test-like: x86_64 on Spot, no deletion protection", () => {
    let t: Run;
    before(async () => {
      t = await run(TEST_LIKE);
    });
    const one = (type: string) => t.evaluation.one(type);

    it("creates exactly the cluster, its capacity and the instances' identity and network", () => {
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

    it("registers every AWS child with the component's provider", () => {
      const provider = t.evaluation.named("cluster-aws");
      for (const child of t.evaluation.childrenOf(t.evaluation.named("cluster"))) {
        if (child.type.startsWith("pulumi:providers:")) continue;
        assert.equal(t.evaluation.providerOf(child)?.name, provider.name, child.name);
      }
    });

    it("enables Container Insights and lets Pulumi name the cluster", () => {
      const cluster = one("aws:ecs/cluster:Cluster");
      assert.deepEqual(cluster.inputs.settings, [{ name: "containerInsights", value: "enabled" }]);
      assert.equal(cluster.inputs.name, undefined);
    });

    it("launches the ECS-optimized AL2023 x86_64 AMI resolved from its SSM parameter", () => {
      assert.deepEqual(
        t.evaluation.invokesOf("aws:ssm/getParameter:getParameter").map((i) => i.args.name),
        [AMI_PARAMETERS.x86_64, AMI_PARAMETERS.x86_64], // the component's, then the test's own lookup
      );
      assert.match(t.amiId, /^ami-[0-9a-f]{17}$/);
      assert.equal(one("aws:ec2/launchTemplate:LaunchTemplate").inputs.imageId, t.amiId);
    });

    it("requires IMDSv2 with a hop limit of 1, so bridge-mode containers cannot reach the instance role", () => {
      assert.deepEqual(one("aws:ec2/launchTemplate:LaunchTemplate").inputs.metadataOptions, {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      });
    });

    it("boots from an encrypted 30 GiB gp3 root volume on the AMI's root device", () => {
      assert.deepEqual(one("aws:ec2/launchTemplate:LaunchTemplate").inputs.blockDeviceMappings, [
        {
          deviceName: "/dev/xvda",
          ebs: { volumeSize: 30, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
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

    it("runs as the instance profile of the instance role", () => {
      const lt = one("aws:ec2/launchTemplate:LaunchTemplate");
      const profile = one("aws:iam/instanceProfile:InstanceProfile");
      const role = one("aws:iam/role:Role");
      assert.deepEqual(lt.inputs.iamInstanceProfile, { arn: profile.state.arn });
      assert.equal(profile.inputs.role, role.state.name);
      assert.equal(lt.inputs.instanceType, "t3.medium");
    });

    it("joins the cluster through user data, with Spot draining", () => {
      const lt = one("aws:ec2/launchTemplate:LaunchTemplate");
      const cluster = one("aws:ecs/cluster:Cluster");
      assert.equal(
        userDataOf(lt),
        renderUserData({ clusterName: cluster.state.name, spot: true, containerStopTimeoutSeconds: 30 }),
      );
      assert.match(userDataOf(lt), /^ECS_CLUSTER=cluster-cluster-[0-9a-f]{7}$/m);
      assert.match(userDataOf(lt), /^ECS_ENABLE_SPOT_INSTANCE_DRAINING=true$/m);
    });

    it("trusts only EC2 with the instance role and attaches only the ECS and SSM core policies", () => {
      const role = one("aws:iam/role:Role");
      assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy), {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      });
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

    it("gives the instances no ingress and described HTTPS-only egress", () => {
      const sg = one("aws:ec2/securityGroup:SecurityGroup");
      assert.equal(sg.inputs.vpcId, "vpc-123");
      assert.equal(sg.inputs.ingress, undefined);
      assert.equal(sg.inputs.egress, undefined);
      assert.equal(
        t.evaluation.resourcesOfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").length,
        0,
      );
      const egress = t.evaluation.resourcesOfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
      assert.deepEqual(
        egress.map(({ inputs }) => ({ ...inputs, description: typeof inputs.description })),
        [
          {
            securityGroupId: sg.state.id,
            description: "string",
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrIpv4: "0.0.0.0/0",
          },
        ],
      );
      assert.ok(egress.every((rule) => rule.inputs.description.length > 0));
    });

    it("exports the dynamic host port range the service opens to the ALB", () => {
      assert.deepEqual(DYNAMIC_HOST_PORTS, { fromPort: 32768, toPort: 65535 });
    });

    it("spreads the Auto Scaling group over the private subnets with min and max from the args", () => {
      const asg = one("aws:autoscaling/group:Group");
      assert.deepEqual(asg.inputs.vpcZoneIdentifiers, SUBNETS);
      assert.equal(asg.inputs.minSize, 1);
      assert.equal(asg.inputs.maxSize, 2);
    });

    it("leaves the desired capacity to managed scaling", () => {
      const asg = one("aws:autoscaling/group:Group");
      assert.equal(asg.inputs.desiredCapacity, undefined);
      assert.deepEqual(t.ignoreChanges.get("cluster-asg"), ["desiredCapacity"]);
    });

    it("protects new instances from scale-in and carries the AmazonECSManaged tag to them", () => {
      const asg = one("aws:autoscaling/group:Group");
      assert.equal(asg.inputs.protectFromScaleIn, true);
      assert.deepEqual(
        asg.inputs.tags.find((tag: { key: string }) => tag.key === "AmazonECSManaged"),
        { key: "AmazonECSManaged", value: "true", propagateAtLaunch: true },
      );
      const tags = Object.fromEntries(
        asg.inputs.tags.map((tag: { key: string; value: string }) => [tag.key, tag.value]),
      );
      assert.equal(tags.stack, "test");
      assert.equal(tags.component, "EcsCluster");
    });

    it("runs everything on Spot across same-size instance types, price-capacity-optimized", () => {
      const asg = one("aws:autoscaling/group:Group");
      const lt = one("aws:ec2/launchTemplate:LaunchTemplate");
      assert.equal(asg.inputs.launchTemplate, undefined);
      assert.deepEqual(asg.inputs.mixedInstancesPolicy, {
        instancesDistribution: {
          onDemandBaseCapacity: 0,
          onDemandPercentageAboveBaseCapacity: 0,
          spotAllocationStrategy: "price-capacity-optimized",
        },
        launchTemplate: {
          launchTemplateSpecification: { launchTemplateId: lt.state.id, version: "1" },
          overrides: [{ instanceType: "t3.medium" }, { instanceType: "c6i.large" }],
        },
      });
      assert.equal(asg.inputs.capacityRebalance, true);
    });

    it("rolls the instances when the launch template changes, launching before terminating", () => {
      const asg = one("aws:autoscaling/group:Group");
      assert.deepEqual(asg.inputs.instanceRefresh, {
        strategy: "Rolling",
        preferences: {
          minHealthyPercentage: 100,
          maxHealthyPercentage: 200,
          scaleInProtectedInstances: "Refresh",
          standbyInstances: "Terminate",
          skipMatching: true,
        },
      });
    });

    it("scales with a capacity provider: managed scaling, termination protection and draining", () => {
      const cp = one("aws:ecs/capacityProvider:CapacityProvider");
      const asg = one("aws:autoscaling/group:Group");
      assert.deepEqual(cp.inputs.autoScalingGroupProvider, {
        autoScalingGroupArn: asg.state.arn,
        managedScaling: {
          status: "ENABLED",
          targetCapacity: 100,
          minimumScalingStepSize: 1,
          maximumScalingStepSize: 10,
          instanceWarmupPeriod: 120,
        },
        managedTerminationProtection: "ENABLED",
        managedDraining: "ENABLED",
      });
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
      it("force-deletes the Auto Scaling group, terminating protected instances", () => {
        assert.equal(one("aws:autoscaling/group:Group").inputs.forceDelete, true);
      });

      it("deletes services before the association, by making the outputs they use depend on it", () => {
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

      it("deletes the association, then the capacity provider, then the group, then the cluster", () => {
        const association = one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders");
        const cp = one("aws:ecs/capacityProvider:CapacityProvider");
        const asg = one("aws:autoscaling/group:Group");
        const lt = one("aws:ec2/launchTemplate:LaunchTemplate");
        const cluster = one("aws:ecs/cluster:Cluster");
        // A resource is deleted before the resources whose outputs it consumes.
        assert.deepEqual(association.inputs.capacityProviders, [cp.state.name]);
        assert.equal(cp.inputs.autoScalingGroupProvider.autoScalingGroupArn, asg.state.arn);
        assert.equal(
          asg.inputs.mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.launchTemplateId,
          lt.state.id,
        );
        assert.ok(userDataOf(lt).includes(`ECS_CLUSTER=${cluster.state.name}`));
      });

      it("keeps the instance role's policies until the group is gone", () => {
        assert.deepEqual(one("aws:autoscaling/group:Group").options.dependsOn.sort(), [
          "cluster-ecs-for-ec2",
          "cluster-ssm-core",
        ]);
      });
    });

    it("passes the project's policy pack", async () => {
      assert.deepEqual((await checkStack(t.evaluation)).violations, []);
    });

    it("outputs the names, ARNs and ids others wire to", () => {
      const o = t.evaluation.outputs;
      assert.equal(o.clusterName, one("aws:ecs/cluster:Cluster").state.name);
      assert.equal(o.clusterArn, one("aws:ecs/cluster:Cluster").state.arn);
      assert.equal(o.capacityProviderName, one("aws:ecs/capacityProvider:CapacityProvider").state.name);
      assert.equal(o.instanceSecurityGroupId, one("aws:ec2/securityGroup:SecurityGroup").state.id);
      assert.equal(o.autoScalingGroupName, one("aws:autoscaling/group:Group").state.name);
      assert.equal(o.autoScalingGroupArn, one("aws:autoscaling/group:Group").state.arn);
      assert.equal(o.instanceRoleArn, one("aws:iam/role:Role").state.arn);
    });
  });

  describe("prod-like: arm64 on demand, deletion protection", () => {
    let p: Run;
    before(async () => {
      p = await run(PROD_LIKE);
    });
    const one = (type: string) => p.evaluation.one(type);

    it("launches the arm64 AMI from its SSM parameter", () => {
      assert.deepEqual(
        p.evaluation.invokesOf("aws:ssm/getParameter:getParameter").map((i) => i.args.name),
        [AMI_PARAMETERS.arm64, AMI_PARAMETERS.arm64],
      );
      const lt = one("aws:ec2/launchTemplate:LaunchTemplate");
      assert.equal(lt.inputs.imageId, p.amiId);
      assert.equal(lt.inputs.instanceType, "m7g.large");
    });

    it("keeps the same IMDS settings", () => {
      assert.deepEqual(one("aws:ec2/launchTemplate:LaunchTemplate").inputs.metadataOptions, {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      });
    });

    it("writes no Spot draining and the configured stop timeout", () => {
      const lt = one("aws:ec2/launchTemplate:LaunchTemplate");
      const text = userDataOf(lt);
      assert.equal(
        text,
        renderUserData({
          clusterName: one("aws:ecs/cluster:Cluster").state.name,
          spot: false,
          containerStopTimeoutSeconds: 60,
        }),
      );
      assert.doesNotMatch(text, /SPOT/);
      assert.match(text, /^ECS_CONTAINER_STOP_TIMEOUT=60s$/m);
    });

    it("uses the plain launch template, on demand, without capacity rebalancing", () => {
      const asg = one("aws:autoscaling/group:Group");
      const lt = one("aws:ec2/launchTemplate:LaunchTemplate");
      assert.equal(asg.inputs.mixedInstancesPolicy, undefined);
      assert.deepEqual(asg.inputs.launchTemplate, { id: lt.state.id, version: "1" });
      assert.equal(asg.inputs.capacityRebalance, false);
    });

    it("spreads 3 to 6 instances over three private subnets, protected from scale-in", () => {
      const asg = one("aws:autoscaling/group:Group");
      assert.deepEqual(asg.inputs.vpcZoneIdentifiers, ["subnet-a", "subnet-b", "subnet-c"]);
      assert.equal(asg.inputs.minSize, 3);
      assert.equal(asg.inputs.maxSize, 6);
      assert.equal(asg.inputs.protectFromScaleIn, true);
      assert.deepEqual(p.ignoreChanges.get("cluster-asg"), ["desiredCapacity"]);
    });

    it("does not force-delete the group", () => {
      assert.equal(one("aws:autoscaling/group:Group").inputs.forceDelete, false);
    });

    it("targets 80% utilisation with the same managed termination protection and draining", () => {
      const provider = one("aws:ecs/capacityProvider:CapacityProvider").inputs.autoScalingGroupProvider;
      assert.equal(provider.managedScaling.status, "ENABLED");
      assert.equal(provider.managedScaling.targetCapacity, 80);
      assert.equal(provider.managedTerminationProtection, "ENABLED");
      assert.equal(provider.managedDraining, "ENABLED");
    });

    it("passes the project's policy pack", async () => {
      assert.deepEqual((await checkStack(p.evaluation)).violations, []);
    });

    it("tags the instances with the prod stack", () => {
      const tags = one("aws:autoscaling/group:Group").inputs.tags as { key: string; value: string }[];
      assert.equal(tags.find((tag) => tag.key === "stack")?.value, "prod");
    });
  });

  it("fails before creating anything when the args are invalid", async () => {
    await assert.rejects(
      runUnderMocks(() => new EcsCluster("cluster", { ...TEST_LIKE, minInstances: 3, maxInstances: 2 })),
      /EcsCluster: minInstances 3 is above maxInstances 2/,
    );
  });
});
