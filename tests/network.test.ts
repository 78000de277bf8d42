/**
 * The Network component: argument validation, the subnet arithmetic, and what it registers under mocks for a
 * test-like (2 AZs, one NAT, no interface endpoints) and a prod-like (3 AZs, NAT per AZ, endpoints) network.
 */
import * as assert from "node:assert/strict";
import fc from "fast-check";
import {
  INTERFACE_ENDPOINT_SERVICES,
  Network,
  type NetworkArgs,
  PRIVATE_SUBNET_MASK,
  PUBLIC_SUBNET_MASK,
  resolveNetworkArgs,
  subnetLayout,
} from "../components/network";
import { type Evaluation, runUnderMocks, stackConfig } from "../lib/harness";
import { cidrProblems, parseCliConfig } from "../stacks/config";

const COMMON = { region: "eu-west-1", tags: { project: "ecs-json-api", stack: "test" } };
const TEST_ARGS: NetworkArgs = { ...COMMON, privateZoneName: "internal.test" };
const PROD_ARGS: NetworkArgs = {
  ...COMMON,
  tags: { project: "ecs-json-api", stack: "prod" },
  azCount: 3,
  natStrategy: "OnePerAz",
  interfaceEndpoints: true,
  privateZoneName: "internal.prod",
  logRetentionDays: 90,
};

/** Builds a network under mocks and returns the evaluation, with the component's outputs as stack outputs. */
function build(args: NetworkArgs): Promise<Evaluation> {
  return runUnderMocks(() => {
    const net = new Network("net", args);
    return {
      vpcId: net.vpcId,
      vpcCidrBlock: net.vpcCidrBlock,
      publicSubnetIds: net.publicSubnetIds,
      privateSubnetIds: net.privateSubnetIds,
      privateZoneId: net.privateZoneId,
      privateZoneName: net.privateZoneName,
      ...(net.endpointSecurityGroupId ? { endpointSecurityGroupId: net.endpointSecurityGroupId } : {}),
      flowLogGroupName: net.flowLogGroupName,
    };
  });
}

const toInt = (ip: string) => ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
/** [first address, size] of a CIDR. */
const range = (cidr: string): [number, number] => {
  const [ip, mask] = cidr.split("/");
  return [toInt(ip), 2 ** (32 - Number(mask))];
};

describe("Network", () => {
  describe("resolveNetworkArgs", () => {
    it("applies the schema's defaults: 10.0.0.0/16, 2 AZs, one NAT, no interface endpoints, 7-day logs", () => {
      const r = resolveNetworkArgs(TEST_ARGS);
      assert.equal(r.vpcCidr, "10.0.0.0/16");
      assert.equal(r.azCount, 2);
      assert.equal(r.natStrategy, "Single");
      assert.equal(r.interfaceEndpoints, false);
      assert.equal(r.logRetentionDays, 7);
      assert.equal(r.privateZoneName, "internal.test");
    });

    const cases: [string, Partial<NetworkArgs>, string][] = [
      [
        "a VPC smaller than /20",
        { vpcCidr: "10.0.0.0/24" },
        `vpcCidr "10.0.0.0/24" has prefix /24; allowed /16 to /20 (AWS's largest VPC is /16; /20 still holds 3 AZs' subnets)`,
      ],
      [
        "a public range",
        { vpcCidr: "8.8.0.0/16" },
        `vpcCidr "8.8.0.0/16" is not in a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)`,
      ],
      [
        "host bits in the CIDR",
        { vpcCidr: "10.0.0.1/16" },
        `vpcCidr "10.0.0.1/16" has host bits set; the network address must end the prefix`,
      ],
      [
        "something that is not a CIDR",
        { vpcCidr: "banana" },
        `vpcCidr "banana" is not an IPv4 CIDR such as 10.0.0.0/16`,
      ],
      ["one AZ", { azCount: 1 }, "azCount 1 is not allowed; use 2 or 3"],
      ["four AZs", { azCount: 4 }, "azCount 4 is not allowed; use 2 or 3"],
      ["a fractional AZ count", { azCount: 2.5 }, "azCount 2.5 is not allowed; use 2 or 3"],
      [
        "an unknown NAT strategy",
        { natStrategy: "None" },
        `natStrategy "None" is not allowed; use "Single" or "OnePerAz"`,
      ],
      [
        "a retention CloudWatch Logs rejects",
        { logRetentionDays: 10 },
        "logRetentionDays 10 is not a CloudWatch Logs retention; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
      ],
      [
        "an invalid zone name",
        { privateZoneName: "Internal_Zone" },
        `privateZoneName "Internal_Zone" is not a lower-case DNS name such as internal.test`,
      ],
    ];
    for (const [what, override, message] of cases) {
      it(`rejects ${what} with a message naming the value`, () => {
        assert.throws(
          () => resolveNetworkArgs({ ...TEST_ARGS, ...override }),
          (err: Error) => err.message === `Network: ${message}`,
        );
      });
    }

    it("reports every problem at once", () => {
      assert.throws(
        () => resolveNetworkArgs({ ...TEST_ARGS, azCount: 5, natStrategy: "Many", privateZoneName: "" }),
        {
          message:
            'Network: azCount 5 is not allowed; use 2 or 3; natStrategy "Many" is not allowed; use "Single" or "OnePerAz"; ' +
            'privateZoneName "" is not a lower-case DNS name such as internal.test',
        },
      );
    });

    it("registers nothing when the arguments are bad", async () => {
      const evaluation = await runUnderMocks(() => {
        try {
          new Network("net", { ...TEST_ARGS, azCount: 9 });
        } catch (err) {
          return { error: (err as Error).message };
        }
        return { error: "none" };
      });
      assert.equal(evaluation.outputs.error, "Network: azCount 9 is not allowed; use 2 or 3");
      assert.deepEqual(
        evaluation.resources.map((r) => r.type),
        ["pulumi:pulumi:Stack"],
      );
    });

    it("accepts the committed test and prod stacks' config as is", () => {
      for (const stack of ["test", "prod"]) {
        const c = parseCliConfig(stack, stackConfig(stack).config);
        const r = resolveNetworkArgs({
          region: c.region,
          tags: c.tags,
          vpcCidr: c.vpcCidr,
          azCount: c.azCount,
          natStrategy: c.natStrategy,
          interfaceEndpoints: c.interfaceEndpoints,
          privateZoneName: c.privateZoneName,
          logRetentionDays: c.logRetentionDays,
        });
        assert.equal(r.natStrategy, stack === "prod" ? "OnePerAz" : "Single");
      }
    });
  });

  describe("subnetLayout", () => {
    it("fits 3 AZs of a /22 private and a /24 public subnet into a /20 (3 x 1024 + 3 x 256 = 3840 <= 4096)", () => {
      assert.deepEqual(subnetLayout("10.0.0.0/20", 3), {
        private: ["10.0.0.0/22", "10.0.4.0/22", "10.0.8.0/22"],
        public: ["10.0.12.0/24", "10.0.13.0/24", "10.0.14.0/24"],
      });
      assert.equal(3 * 2 ** (32 - PRIVATE_SUBNET_MASK) + 3 * 2 ** (32 - PUBLIC_SUBNET_MASK), 3840);
      const [last, size] = range("10.0.14.0/24");
      assert.ok(last + size <= toInt("10.0.0.0") + 4096);
    });

    /** Any VPC CIDR the config accepts: an aligned /16-/20 inside one of the RFC 1918 ranges. */
    const vpcCidr = fc
      .constantFrom(
        { base: toInt("10.0.0.0"), bits: 8 },
        { base: toInt("172.16.0.0"), bits: 12 },
        { base: toInt("192.168.0.0"), bits: 16 },
      )
      .chain(({ base, bits }) =>
        fc.integer({ min: Math.max(16, bits), max: 20 }).chain((prefix) =>
          fc.integer({ min: 0, max: 2 ** (prefix - bits) - 1 }).map((i) => {
            const n = base + i * 2 ** (32 - prefix);
            const ip = [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
            return `${ip}/${prefix}`;
          }),
        ),
      );

    it("for every allowed VPC and AZ count: fixed masks, aligned, inside the VPC, no overlaps", () => {
      fc.assert(
        fc.property(vpcCidr, fc.constantFrom(2, 3), (cidr, azCount) => {
          assert.deepEqual(cidrProblems(cidr), []);
          const layout = subnetLayout(cidr, azCount);
          assert.equal(layout.private.length, azCount);
          assert.equal(layout.public.length, azCount);
          assert.ok(layout.private.every((s) => s.endsWith(`/${PRIVATE_SUBNET_MASK}`)));
          assert.ok(layout.public.every((s) => s.endsWith(`/${PUBLIC_SUBNET_MASK}`)));
          const [vpcStart, vpcSize] = range(cidr);
          const ranges = [...layout.private, ...layout.public].map(range);
          for (const [start, size] of ranges) {
            assert.equal(start % size, 0, "subnet not aligned to its size");
            assert.ok(start >= vpcStart && start + size <= vpcStart + vpcSize, "subnet outside the VPC");
          }
          for (let i = 0; i < ranges.length; i++) {
            for (let j = i + 1; j < ranges.length; j++) {
              const [a, as] = ranges[i];
              const [b, bs] = ranges[j];
              assert.ok(a + as <= b || b + bs <= a, "subnets overlap");
            }
          }
        }),
        { numRuns: 300 },
      );
    });

    it("keeps every AZ's subnets where they are when a third AZ is added", () => {
      fc.assert(
        fc.property(vpcCidr, (cidr) => {
          const two = subnetLayout(cidr, 2);
          const three = subnetLayout(cidr, 3);
          assert.deepEqual(three.private.slice(0, 2), two.private);
          assert.deepEqual(three.public.slice(0, 2), two.public);
        }),
      );
    });
  });

  describe("a test-like network (2 AZs, one NAT gateway, no interface endpoints)", () => {
    let evaluation: Evaluation;
    before(async () => {
      evaluation = await build(TEST_ARGS);
    });

    it("registers exactly the VPC, the default group, the zone and the flow log with its group and role", () => {
      assert.deepEqual(evaluation.countsByType(), {
        "aws:cloudwatch/logGroup:LogGroup": 1,
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
        "aws:ec2/flowLog:FlowLog": 1,
        "aws:iam/role:Role": 1,
        "aws:iam/rolePolicy:RolePolicy": 1,
        "aws:route53/zone:Zone": 1,
        "awsx:ec2:Vpc": 1,
        "ecs-json-api:network:Network": 1,
        "pulumi:providers:aws": 1,
        "pulumi:pulumi:Stack": 1,
      });
    });

    it("asks awsx for one NAT gateway, the fixed subnets in 2 AZs and DNS support", () => {
      const vpc = evaluation.one("awsx:ec2:Vpc").inputs;
      assert.equal(vpc.cidrBlock, "10.0.0.0/16");
      assert.equal(vpc.numberOfAvailabilityZones, 2);
      assert.deepEqual(vpc.natGateways, { strategy: "Single" });
      assert.equal(vpc.subnetStrategy, "Auto");
      assert.deepEqual(vpc.subnetSpecs, [
        { type: "Public", cidrMask: 24, cidrBlocks: ["10.0.12.0/24", "10.0.13.0/24"] },
        { type: "Private", cidrMask: 22, cidrBlocks: ["10.0.0.0/22", "10.0.4.0/22"] },
      ]);
      assert.equal(vpc.enableDnsHostnames, true);
      assert.equal(vpc.enableDnsSupport, true);
    });

    it("has awsx attach the S3 gateway endpoint to the route tables it generates, the private ones included", () => {
      const vpc = evaluation.one("awsx:ec2:Vpc").inputs;
      // Under "Auto", awsx fills a Gateway spec's omitted routeTableIds with every route table it created (awsx
      // ec2/vpc.ts); setting routeTableIds here would switch that off.
      assert.equal(vpc.vpcEndpointStrategy, "Auto");
      assert.deepEqual(vpc.vpcEndpointSpecs, [
        { serviceName: "com.amazonaws.eu-west-1.s3", vpcEndpointType: "Gateway" },
      ]);
    });

    it("creates no interface endpoints and no endpoint security group", () => {
      assert.equal(evaluation.resourcesOfType("aws:ec2/vpcEndpoint:VpcEndpoint").length, 0);
      assert.equal(evaluation.resourcesOfType("aws:ec2/securityGroup:SecurityGroup").length, 0);
      assert.equal(evaluation.outputs.endpointSecurityGroupId, undefined);
    });

    it("leaves the VPC's default security group with no rules at all", () => {
      const sg = evaluation.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").inputs;
      assert.equal(sg.vpcId, evaluation.outputs.vpcId);
      assert.deepEqual(sg.ingress, []);
      assert.deepEqual(sg.egress, []);
    });

    it("attaches the private zone to the VPC", () => {
      const zone = evaluation.one("aws:route53/zone:Zone").inputs;
      assert.equal(zone.name, "internal.test");
      assert.deepEqual(zone.vpcs, [{ vpcId: evaluation.outputs.vpcId }]);
    });

    it("logs all the VPC's traffic to its own log group with the stack's retention", () => {
      const group = evaluation.one("aws:cloudwatch/logGroup:LogGroup");
      assert.equal(group.inputs.retentionInDays, 7);
      const flowLog = evaluation.one("aws:ec2/flowLog:FlowLog");
      assert.equal(flowLog.inputs.vpcId, evaluation.outputs.vpcId);
      assert.equal(flowLog.inputs.trafficType, "ALL");
      assert.equal(flowLog.inputs.logDestinationType, "cloud-watch-logs");
      assert.equal(flowLog.inputs.logDestination, group.state.arn);
      assert.equal(flowLog.inputs.iamRoleArn, evaluation.one("aws:iam/role:Role").state.arn);
      assert.deepEqual(flowLog.options.dependsOn, ["net-flow-logs-write"]);
      assert.equal(evaluation.outputs.flowLogGroupName, group.state.name);
    });

    it("trusts only VPC Flow Logs acting for this account's flow logs in this region", () => {
      const role = evaluation.one("aws:iam/role:Role");
      assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy), {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: {
              StringEquals: { "aws:SourceAccount": "123456789012" },
              ArnLike: { "aws:SourceArn": "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*" },
            },
          },
        ],
      });
    });

    it("lets the flow log role write only to its own log group", () => {
      const policy = evaluation.one("aws:iam/rolePolicy:RolePolicy");
      const arn = evaluation.one("aws:cloudwatch/logGroup:LogGroup").state.arn;
      assert.match(arn, /^arn:aws:logs:eu-west-1:123456789012:log-group:net-flow-logs-/);
      assert.equal(policy.inputs.role, `${evaluation.one("aws:iam/role:Role").name}-id`);
      assert.deepEqual(JSON.parse(policy.inputs.policy), {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "WriteFlowLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: [arn, `${arn}:*`],
          },
        ],
      });
    });

    it("parents every child to the component and registers it with the component's tagged provider", () => {
      const component = evaluation.one("ecs-json-api:network:Network");
      const children = evaluation.childrenOf(component);
      assert.equal(children.length, evaluation.resources.length - 2);
      const provider = evaluation.one("pulumi:providers:aws");
      assert.deepEqual(JSON.parse(provider.inputs.defaultTags), {
        tags: { project: "ecs-json-api", stack: "test", component: "Network" },
      });
      for (const r of children.filter((c) => c.type.startsWith("aws:"))) {
        assert.equal(evaluation.providerOf(r)?.name, "net-aws", `${r.type} ${r.name}`);
      }
    });

    it("exposes the VPC, its subnets and the zone", () => {
      const o = evaluation.outputs;
      assert.match(o.vpcId, /^vpc-/);
      assert.equal(o.vpcCidrBlock, "10.0.0.0/16");
      assert.equal(o.publicSubnetIds.length, 2);
      assert.equal(o.privateSubnetIds.length, 2);
      assert.equal(o.privateZoneId, evaluation.one("aws:route53/zone:Zone").state.zoneId);
      assert.equal(o.privateZoneName, "internal.test");
    });
  });

  describe("a prod-like network (3 AZs, NAT per AZ, interface endpoints)", () => {
    let evaluation: Evaluation;
    before(async () => {
      evaluation = await build(PROD_ARGS);
    });

    it("adds exactly the six interface endpoints, their security group and its one ingress rule", () => {
      assert.deepEqual(evaluation.countsByType(), {
        "aws:cloudwatch/logGroup:LogGroup": 1,
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
        "aws:ec2/flowLog:FlowLog": 1,
        "aws:ec2/securityGroup:SecurityGroup": 1,
        "aws:ec2/vpcEndpoint:VpcEndpoint": 6,
        "aws:iam/role:Role": 1,
        "aws:iam/rolePolicy:RolePolicy": 1,
        "aws:route53/zone:Zone": 1,
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 1,
        "awsx:ec2:Vpc": 1,
        "ecs-json-api:network:Network": 1,
        "pulumi:providers:aws": 1,
        "pulumi:pulumi:Stack": 1,
      });
    });

    it("asks awsx for a NAT gateway per AZ across 3 AZs", () => {
      const vpc = evaluation.one("awsx:ec2:Vpc").inputs;
      assert.deepEqual(vpc.natGateways, { strategy: "OnePerAz" });
      assert.equal(vpc.numberOfAvailabilityZones, 3);
      assert.deepEqual(vpc.subnetSpecs, [
        { type: "Public", cidrMask: 24, cidrBlocks: ["10.0.12.0/24", "10.0.13.0/24", "10.0.14.0/24"] },
        { type: "Private", cidrMask: 22, cidrBlocks: ["10.0.0.0/22", "10.0.4.0/22", "10.0.8.0/22"] },
      ]);
    });

    it("puts ECR, Logs and the three ECS endpoints in every private subnet with private DNS", () => {
      const endpoints = evaluation.resourcesOfType("aws:ec2/vpcEndpoint:VpcEndpoint");
      assert.deepEqual(
        endpoints.map((e) => e.inputs.serviceName),
        INTERFACE_ENDPOINT_SERVICES.map((s) => `com.amazonaws.eu-west-1.${s}`),
      );
      assert.deepEqual(
        endpoints.map((e) => e.name),
        [
          "net-endpoint-ecr-api",
          "net-endpoint-ecr-dkr",
          "net-endpoint-logs",
          "net-endpoint-ecs",
          "net-endpoint-ecs-agent",
          "net-endpoint-ecs-telemetry",
        ],
      );
      const sgId = evaluation.one("aws:ec2/securityGroup:SecurityGroup").state.id;
      for (const e of endpoints) {
        assert.equal(e.inputs.vpcEndpointType, "Interface");
        assert.equal(e.inputs.privateDnsEnabled, true);
        assert.equal(e.inputs.vpcId, evaluation.outputs.vpcId);
        assert.deepEqual(e.inputs.subnetIds, evaluation.outputs.privateSubnetIds);
        assert.deepEqual(e.inputs.securityGroupIds, [sgId]);
      }
      assert.equal(evaluation.outputs.endpointSecurityGroupId, sgId);
    });

    it("opens the endpoints to HTTPS from the VPC's CIDR only, with a described rule and no inline rules", () => {
      const sg = evaluation.one("aws:ec2/securityGroup:SecurityGroup").inputs;
      assert.equal(sg.vpcId, evaluation.outputs.vpcId);
      assert.equal(sg.ingress, undefined);
      assert.equal(sg.egress, undefined);
      assert.ok(sg.description);
      const rule = evaluation.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").inputs;
      assert.deepEqual(
        { ...rule, description: typeof rule.description },
        {
          securityGroupId: evaluation.outputs.endpointSecurityGroupId,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: "10.0.0.0/16",
          description: "string",
        },
      );
      assert.ok(rule.description.length > 0);
      assert.equal(
        evaluation.resourcesOfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").length,
        0,
      );
    });

    it("keeps prod's flow logs for 90 days in the prod zone", () => {
      assert.equal(evaluation.one("aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays, 90);
      assert.equal(evaluation.one("aws:route53/zone:Zone").inputs.name, "internal.prod");
      assert.equal(evaluation.outputs.privateSubnetIds.length, 3);
    });
  });
});
