/**
 * components/network.ts: the argument rules (the VPC CIDR above all), the subnet arithmetic, the flow log
 * policies, and what Network registers under mocks for a test-like (2 AZs, one NAT, no interface endpoints) and
 * a prod-like (3 AZs, NAT per AZ, endpoints) network.
 */
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { ArgumentError, type Label } from "../../components/args";
import { IAM_PATH } from "../../components/iam";
import {
  cidrProblems,
  flowLogsPolicy,
  flowLogsTrustPolicy,
  INTERFACE_ENDPOINT_SERVICES,
  MAX_AZS,
  Network,
  type NetworkArgs,
  networkArgsProblems,
  PRIVATE_SUBNET_MASK,
  PUBLIC_SUBNET_MASK,
  resolveNetworkArgs,
  subnetLayout,
} from "../../components/network";
import { ACCOUNT_ID, type Evaluation, runUnderMocks } from "../../lib/harness";
import { checkStack } from "../../lib/policy";

const configKey: Label = (arg) => `ecs-json-api:${arg}`;
const COMMON = { region: "eu-west-1", tags: { project: "ecs-json-api", stack: "test" } };
const PROD_ARGS: NetworkArgs = {
  ...COMMON,
  tags: { project: "ecs-json-api", stack: "prod" },
  azCount: 3,
  natStrategy: "OnePerAz",
  interfaceEndpoints: true,
  logRetentionDays: 90,
};

/** Builds a network under mocks; the component's outputs and main child become the stack outputs. */
function build(args: NetworkArgs, stack = "test"): Promise<Evaluation> {
  return runUnderMocks(
    () => {
      const net = new Network("net", args);
      return {
        vpc: net.vpc,
        vpcId: net.vpcId,
        vpcCidrBlock: net.vpcCidrBlock,
        publicSubnetIds: net.publicSubnetIds,
        privateSubnetIds: net.privateSubnetIds,
        defaultSecurityGroupId: net.defaultSecurityGroupId,
        endpointSecurityGroupId: net.endpointSecurityGroupId ?? "none",
        flowLogGroupName: net.flowLogGroupName,
      };
    },
    { stack },
  );
}

const toInt = (ip: string) => ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
const toIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
/** [first address, size] of a CIDR. */
const range = (cidr: string): [number, number] => {
  const [ip, mask] = cidr.split("/");
  return [toInt(ip), 2 ** (32 - Number(mask))];
};

/** The RFC 1918 ranges as [first address, prefix]. */
const PRIVATE_RANGES: [number, number][] = [
  [toInt("10.0.0.0"), 8],
  [toInt("172.16.0.0"), 12],
  [toInt("192.168.0.0"), 16],
];
/** Any prefix-aligned network address of one of the prefixes inside an RFC 1918 range at least that large. */
const privateNetwork = (prefixes: fc.Arbitrary<number>) =>
  prefixes.chain((prefix) =>
    fc
      .constantFrom(...PRIVATE_RANGES.filter(([, bits]) => bits <= prefix))
      .chain(([base, bits]) =>
        fc
          .integer({ min: 0, max: 2 ** (prefix - bits) - 1 })
          .map((i) => ({ address: base + i * 2 ** (32 - prefix), prefix })),
      ),
  );
/** Any VPC CIDR the rules accept: an aligned /16-/20 inside one of the RFC 1918 ranges. */
const allowedVpcCidr = privateNetwork(fc.integer({ min: 16, max: 20 })).map(
  ({ address, prefix }) => `${toIp(address)}/${prefix}`,
);

describe("components/network", () => {
  describe("networkArgsProblems", () => {
    it("needs no arguments: every default passes its own rule", () => {
      assert.deepEqual(networkArgsProblems({}), []);
    });

    const refused: [string, Partial<NetworkArgs>, string][] = [
      ["one AZ", { azCount: 1 }, "azCount = 1 is not allowed; expected a whole number from 2 to 3"],
      ["four AZs", { azCount: 4 }, "azCount = 4 is not allowed; expected a whole number from 2 to 3"],
      [
        "a fractional AZ count",
        { azCount: 2.5 },
        "azCount = 2.5 is not allowed; expected a whole number from 2 to 3",
      ],
      [
        "an unknown NAT strategy",
        { natStrategy: "None" },
        'natStrategy = "None" is not allowed; expected one of "Single", "OnePerAz"',
      ],
      [
        "a retention CloudWatch Logs rejects",
        { logRetentionDays: 10 },
        "logRetentionDays = 10 is not allowed; expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
      ],
      [
        "a VPC smaller than /20",
        { vpcCidr: "10.0.0.0/24" },
        `vpcCidr = "10.0.0.0/24" has prefix /24; allowed /16 to /20 (AWS's largest VPC is /16; /20 still holds 3 AZs' subnets)`,
      ],
      [
        "a public VPC range",
        { vpcCidr: "8.8.0.0/16" },
        'vpcCidr = "8.8.0.0/16" is not in a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)',
      ],
    ];
    for (const [what, args, problem] of refused) {
      it(`refuses ${what}, naming the argument and the value`, () => {
        assert.deepEqual(networkArgsProblems(args), [problem]);
      });
    }

    it("accepts a 3-AZ network with a NAT gateway per AZ and interface endpoints", () => {
      assert.deepEqual(networkArgsProblems(PROD_ARGS), []);
    });

    it("reports every problem at once, each naming its argument through the label", () => {
      assert.deepEqual(
        networkArgsProblems({ azCount: 5, natStrategy: "Many", vpcCidr: "10.0.0.1/16" }, configKey),
        [
          'ecs-json-api:vpcCidr = "10.0.0.1/16" has host bits set; the network address must end the prefix',
          "ecs-json-api:azCount = 5 is not allowed; expected a whole number from 2 to 3",
          'ecs-json-api:natStrategy = "Many" is not allowed; expected one of "Single", "OnePerAz"',
        ],
      );
    });
  });

  describe("cidrProblems", () => {
    const cases: [string, string, string[]][] = [
      ["something that is not a CIDR", "banana", ["is not an IPv4 CIDR such as 10.0.0.0/16"]],
      ["an address without a prefix", "10.0.0.0", ["is not an IPv4 CIDR such as 10.0.0.0/16"]],
      ["an octet above 255", "10.256.0.0/16", ["has an octet above 255"]],
      [
        "a /8, larger than AWS allows",
        "10.0.0.0/8",
        ["has prefix /8; allowed /16 to /20 (AWS's largest VPC is /16; /20 still holds 3 AZs' subnets)"],
      ],
      [
        "host bits and a public range together",
        "11.0.0.1/16",
        [
          "has host bits set; the network address must end the prefix",
          "is not in a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
        ],
      ],
      [
        "172.32/16, just past 172.16.0.0/12",
        "172.32.0.0/16",
        ["is not in a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)"],
      ],
    ];
    for (const [what, cidr, problems] of cases) {
      it(`refuses ${what}`, () => assert.deepEqual(cidrProblems(cidr), problems));
    }

    it("accepts every prefix-aligned /16 to /20 inside a private range (property)", () => {
      fc.assert(
        fc.property(allowedVpcCidr, (cidr) => assert.deepEqual(cidrProblems(cidr), [])),
        { numRuns: 300 },
      );
    });

    it("refuses any address with a host bit set, however small the offset (property)", () => {
      fc.assert(
        fc.property(
          privateNetwork(fc.integer({ min: 16, max: 20 })).chain(({ address, prefix }) =>
            fc
              .integer({ min: 1, max: 2 ** (32 - prefix) - 1 })
              .map((offset) => `${toIp(address + offset)}/${prefix}`),
          ),
          (cidr) =>
            assert.deepEqual(cidrProblems(cidr), [
              "has host bits set; the network address must end the prefix",
            ]),
        ),
      );
    });

    it("refuses every prefix outside /16 to /20, and only for its size (property)", () => {
      fc.assert(
        fc.property(
          privateNetwork(fc.oneof(fc.integer({ min: 8, max: 15 }), fc.integer({ min: 21, max: 32 }))),
          ({ address, prefix }) => {
            const problems = cidrProblems(`${toIp(address)}/${prefix}`);
            assert.equal(problems.length, 1);
            assert.match(problems[0], new RegExp(`^has prefix /${prefix}; allowed /16 to /20`));
          },
        ),
      );
    });

    it("refuses every aligned network outside the RFC 1918 ranges (property)", () => {
      const isPrivate = (n: number) =>
        PRIVATE_RANGES.some(([base, bits]) => Math.floor(n / 2 ** (32 - bits)) === base / 2 ** (32 - bits));
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 2 ** 16 - 1 }).filter((i) => !isPrivate(i * 2 ** 16)),
          (i) =>
            assert.deepEqual(cidrProblems(`${toIp(i * 2 ** 16)}/16`), [
              "is not in a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
            ]),
        ),
      );
    });

    it("answers problems, never throws, for any text (property)", () => {
      fc.assert(
        fc.property(fc.string(), (text) => {
          const problems = cidrProblems(text);
          assert.ok(Array.isArray(problems));
          if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(text)) {
            assert.deepEqual(problems, ["is not an IPv4 CIDR such as 10.0.0.0/16"]);
          }
        }),
      );
    });
  });

  describe("subnetLayout", () => {
    it("puts the private /22s first and the public /24s after the three private slots", () => {
      // The committed stacks' layout: moving any of these would replace the subnets and everything in them.
      assert.deepEqual(subnetLayout("10.0.0.0/16", 2), {
        private: ["10.0.0.0/22", "10.0.4.0/22"],
        public: ["10.0.12.0/24", "10.0.13.0/24"],
      });
    });

    it("fits 3 AZs into the smallest allowed VPC, a /20", () => {
      const layout = subnetLayout("192.168.16.0/20", MAX_AZS);
      const [vpcStart, vpcSize] = range("192.168.16.0/20");
      const [lastStart, lastSize] = range(layout.public[MAX_AZS - 1]);
      assert.ok(lastStart + lastSize <= vpcStart + vpcSize);
    });

    it("for every allowed VPC and AZ count: fixed masks, aligned, inside the VPC, no overlaps (property)", () => {
      fc.assert(
        fc.property(allowedVpcCidr, fc.integer({ min: 2, max: MAX_AZS }), (cidr, azCount) => {
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

    it("keeps every AZ's subnets where they are when a third AZ is added (property)", () => {
      fc.assert(
        fc.property(allowedVpcCidr, (cidr) => {
          const two = subnetLayout(cidr, 2);
          const three = subnetLayout(cidr, 3);
          assert.deepEqual(three.private.slice(0, 2), two.private);
          assert.deepEqual(three.public.slice(0, 2), two.public);
        }),
      );
    });
  });

  describe("resolveNetworkArgs", () => {
    it("throws one ArgumentError for Network listing every problem", () => {
      assert.throws(
        () => resolveNetworkArgs({ azCount: 1, vpcCidr: "8.8.0.0/16" }),
        (err: unknown) =>
          err instanceof ArgumentError &&
          err.component === "Network" &&
          err.problems.length === 2 &&
          err.message.startsWith('Network: vpcCidr = "8.8.0.0/16" is not in a private range'),
      );
    });

    it("hands awsx the layout of its own CIDR and AZ count", () => {
      const r = resolveNetworkArgs({ vpcCidr: "172.20.0.0/18", azCount: 3 });
      assert.deepEqual(r.subnets, subnetLayout("172.20.0.0/18", 3));
    });
  });

  describe("flow log policies", () => {
    it("trusts only VPC Flow Logs, and only for flow logs of this account in this region and partition", () => {
      const trust = flowLogsTrustPolicy("aws-cn", "cn-north-1", "210987654321");
      const statements = trust.Statement as any[];
      assert.equal(statements.length, 1);
      const [statement] = statements;
      assert.equal(statement.Effect, "Allow");
      assert.deepEqual(statement.Principal, { Service: "vpc-flow-logs.amazonaws.com" });
      assert.equal(statement.Action, "sts:AssumeRole");
      assert.deepEqual(statement.Condition, {
        StringEquals: { "aws:SourceAccount": "210987654321" },
        ArnLike: { "aws:SourceArn": "arn:aws-cn:ec2:cn-north-1:210987654321:vpc-flow-log/*" },
      });
    });

    it("lets the role write streams of its one log group, and find it, as AWS documents the role", () => {
      const group = "arn:aws:logs:eu-west-1:123456789012:log-group:flows";
      const [write, find, ...others] = flowLogsPolicy(group).Statement as any[];
      assert.deepEqual(others, []);
      assert.equal(write.Effect, "Allow");
      assert.deepEqual(write.Resource, [group, `${group}:*`]);
      assert.deepEqual([...write.Action].sort(), [
        "logs:CreateLogStream",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
      ]);
      // DescribeLogGroups has no resource type: it is allowed on "*" or not at all. It reads no log data.
      assert.deepEqual([find.Effect, find.Action, find.Resource], ["Allow", "logs:DescribeLogGroups", "*"]);
    });
  });

  describe("a test-like network (defaults: 2 AZs, one NAT gateway, no interface endpoints)", () => {
    let evaluation: Evaluation;
    before(async () => {
      evaluation = await build(COMMON);
    });

    it("registers exactly the VPC, the default group and the flow log with its group and role; no DNS zone", () => {
      assert.deepEqual(evaluation.countsByType(), {
        "aws:cloudwatch/logGroup:LogGroup": 1,
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
        "aws:ec2/flowLog:FlowLog": 1,
        "aws:iam/role:Role": 1,
        "aws:iam/rolePolicy:RolePolicy": 1,
        "awsx:ec2:Vpc": 1,
        "ecs-json-api:network:Network": 1,
        "pulumi:providers:aws": 1,
        "pulumi:pulumi:Stack": 1,
      });
    });

    it("asks awsx for one NAT gateway, the computed subnets in 2 AZs and DNS support", () => {
      const vpc = evaluation.one("awsx:ec2:Vpc").inputs;
      const layout = subnetLayout("10.0.0.0/16", 2);
      assert.equal(vpc.cidrBlock, "10.0.0.0/16");
      assert.equal(vpc.numberOfAvailabilityZones, 2);
      assert.deepEqual(vpc.natGateways, { strategy: "Single" });
      assert.deepEqual(vpc.subnetSpecs, [
        { type: "Public", cidrMask: PUBLIC_SUBNET_MASK, cidrBlocks: layout.public },
        { type: "Private", cidrMask: PRIVATE_SUBNET_MASK, cidrBlocks: layout.private },
      ]);
      // Private DNS on interface endpoints needs both.
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
      assert.equal(evaluation.outputs.endpointSecurityGroupId, "none");
    });

    it("leaves the VPC's default security group with no rules at all", () => {
      const sg = evaluation.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").inputs;
      assert.equal(sg.vpcId, evaluation.outputs.vpcId);
      assert.deepEqual(sg.ingress, []);
      assert.deepEqual(sg.egress, []);
    });

    it("logs all the VPC's traffic to its own log group, kept 7 days by default", () => {
      const group = evaluation.one("aws:cloudwatch/logGroup:LogGroup");
      assert.equal(group.inputs.retentionInDays, 7);
      const flowLog = evaluation.one("aws:ec2/flowLog:FlowLog");
      assert.equal(flowLog.inputs.vpcId, evaluation.outputs.vpcId);
      assert.equal(flowLog.inputs.trafficType, "ALL");
      assert.equal(flowLog.inputs.logDestinationType, "cloud-watch-logs");
      assert.equal(flowLog.inputs.logDestination, group.state.arn);
      assert.equal(flowLog.inputs.iamRoleArn, evaluation.one("aws:iam/role:Role").state.arn);
      assert.equal(evaluation.outputs.flowLogGroupName, group.state.name);
    });

    it("creates the flow log only once its role may write, so the first deliveries are not refused", () => {
      const policy = evaluation.one("aws:iam/rolePolicy:RolePolicy");
      assert.deepEqual(evaluation.one("aws:ec2/flowLog:FlowLog").options.dependsOn, [policy.name]);
    });

    it("gives the flow log role the trust and the write policy of this account, region and log group", () => {
      const role = evaluation.one("aws:iam/role:Role");
      const group = evaluation.one("aws:cloudwatch/logGroup:LogGroup");
      const policy = evaluation.one("aws:iam/rolePolicy:RolePolicy");
      assert.deepEqual(
        JSON.parse(role.inputs.assumeRolePolicy),
        flowLogsTrustPolicy("aws", "eu-west-1", ACCOUNT_ID),
      );
      assert.equal(policy.inputs.role, `${role.name}-id`); // the mock cloud's id for the role
      assert.deepEqual(JSON.parse(policy.inputs.policy), flowLogsPolicy(group.state.arn));
    });

    it("puts the flow log role under the program's IAM path, where the deploy roles may manage it", () => {
      assert.equal(evaluation.one("aws:iam/role:Role").inputs.path, IAM_PATH);
    });

    it("parents every child to the component and registers it with the component's tagged provider", () => {
      const component = evaluation.one("ecs-json-api:network:Network");
      const children = evaluation.childrenOf(component);
      assert.equal(children.length, evaluation.resources.length - 2);
      assert.deepEqual(JSON.parse(evaluation.one("pulumi:providers:aws").inputs.defaultTags), {
        tags: { project: "ecs-json-api", stack: "test", component: "Network" },
      });
      for (const r of children.filter((c) => c.type.startsWith("aws:"))) {
        assert.equal(evaluation.providerOf(r)?.name, "net-aws", `${r.type} ${r.name}`);
      }
    });

    it("exposes the awsx VPC, its id and CIDR and the subnets in AZ order", () => {
      const o = evaluation.outputs;
      assert.match(o.vpc.urn, /\$awsx:ec2:Vpc::net-vpc$/);
      assert.equal(o.vpcId, evaluation.one("awsx:ec2:Vpc").state.vpcId);
      assert.equal(o.vpcCidrBlock, "10.0.0.0/16");
      assert.deepEqual(o.publicSubnetIds, evaluation.one("awsx:ec2:Vpc").state.publicSubnetIds);
      assert.deepEqual(o.privateSubnetIds, evaluation.one("awsx:ec2:Vpc").state.privateSubnetIds);
    });

    it("passes the project's policy pack", async () => {
      assert.deepEqual((await checkStack(evaluation)).violations, []);
    });
  });

  describe("a prod-like network (3 AZs, NAT per AZ, interface endpoints)", () => {
    let evaluation: Evaluation;
    before(async () => {
      evaluation = await build(PROD_ARGS, "prod");
    });

    it("adds exactly the interface endpoints, their security group and its one ingress rule", () => {
      assert.deepEqual(evaluation.countsByType(), {
        "aws:cloudwatch/logGroup:LogGroup": 1,
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
        "aws:ec2/flowLog:FlowLog": 1,
        "aws:ec2/securityGroup:SecurityGroup": 1,
        "aws:ec2/vpcEndpoint:VpcEndpoint": INTERFACE_ENDPOINT_SERVICES.length,
        "aws:iam/role:Role": 1,
        "aws:iam/rolePolicy:RolePolicy": 1,
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
      assert.equal(evaluation.outputs.privateSubnetIds.length, 3);
    });

    it("reaches ECR (API and registry), CloudWatch Logs and all three ECS endpoints without NAT", () => {
      // Without ecs-agent and ecs-telemetry the agent falls back to the public endpoints through NAT.
      const services = evaluation
        .resourcesOfType("aws:ec2/vpcEndpoint:VpcEndpoint")
        .map((e) => e.inputs.serviceName)
        .sort();
      assert.deepEqual(
        services,
        ["ecr.api", "ecr.dkr", "ecs", "ecs-agent", "ecs-telemetry", "logs"].map(
          (s) => `com.amazonaws.eu-west-1.${s}`,
        ),
      );
    });

    it("names each endpoint after its service, so adding one never renames another", () => {
      assert.deepEqual(
        evaluation
          .resourcesOfType("aws:ec2/vpcEndpoint:VpcEndpoint")
          .map((e) => e.name)
          .sort(),
        [
          "net-endpoint-ecr-api",
          "net-endpoint-ecr-dkr",
          "net-endpoint-ecs",
          "net-endpoint-ecs-agent",
          "net-endpoint-ecs-telemetry",
          "net-endpoint-logs",
        ],
      );
    });

    it("puts every endpoint in every private subnet with private DNS, behind the endpoint group", () => {
      const sgId = evaluation.one("aws:ec2/securityGroup:SecurityGroup").state.id;
      for (const e of evaluation.resourcesOfType("aws:ec2/vpcEndpoint:VpcEndpoint")) {
        assert.equal(e.inputs.vpcEndpointType, "Interface");
        assert.equal(e.inputs.privateDnsEnabled, true, e.name);
        assert.equal(e.inputs.vpcId, evaluation.outputs.vpcId);
        assert.deepEqual(e.inputs.subnetIds, evaluation.outputs.privateSubnetIds);
        assert.deepEqual(e.inputs.securityGroupIds, [sgId]);
      }
      assert.equal(evaluation.outputs.endpointSecurityGroupId, sgId);
    });

    it("opens the endpoints to HTTPS from the VPC's CIDR only, with a described rule and no egress", () => {
      const sg = evaluation.one("aws:ec2/securityGroup:SecurityGroup").inputs;
      assert.equal(sg.vpcId, evaluation.outputs.vpcId);
      assert.equal(sg.ingress, undefined);
      assert.equal(sg.egress, undefined);
      const rule = evaluation.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").inputs;
      assert.equal(rule.securityGroupId, evaluation.outputs.endpointSecurityGroupId);
      assert.deepEqual(
        [rule.ipProtocol, rule.fromPort, rule.toPort, rule.cidrIpv4],
        ["tcp", 443, 443, "10.0.0.0/16"],
      );
      assert.ok(rule.description.length > 0);
      assert.equal(
        evaluation.resourcesOfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").length,
        0,
      );
    });

    it("keeps the flow logs for the given retention", () => {
      assert.equal(evaluation.one("aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays, 90);
    });

    it("passes the project's policy pack", async () => {
      assert.deepEqual((await checkStack(evaluation)).violations, []);
    });
  });

  describe("refusals under mocks", () => {
    it("throws every argument problem before creating any AWS resource", async () => {
      let error: unknown;
      const evaluation = await runUnderMocks(() => {
        try {
          new Network("net", { azCount: 9, natStrategy: "Many" });
        } catch (err) {
          error = err;
        }
      });
      assert.ok(error instanceof ArgumentError);
      assert.equal(error.problems.length, 2);
      assert.deepEqual(
        evaluation.resources.filter((r) => r.custom).map((r) => r.type),
        [],
      );
    });

    it("refuses a region that differs from its provider's, since the S3 endpoint's name is built from it", async () => {
      await assert.rejects(
        build({ region: "us-east-1" }),
        /^Error: Network: region "us-east-1" differs from the provider's region "eu-west-1"; pass the provider's$/,
      );
    });

    it("refuses to guess when neither the region argument nor aws:region is set", async () => {
      await assert.rejects(
        runUnderMocks(() => new Network("net", {}), { config: { "aws:region": "" } }),
        (err: unknown) =>
          err instanceof ArgumentError &&
          err.message === "Network: region is not set and aws:region has no value",
      );
    });
  });
});
