/**
 * The VPC: a public and a private subnet in each of 2 or 3 Availability Zones, the ALB in the public subnets, the
 * container instances in the private ones with egress through NAT only, plus the network's own hygiene (flow
 * logs, an empty default security group, VPC endpoints). No private DNS zone: the services reach each other,
 * and the world reaches them, through the load balancer, and a zone without records only costs money.
 *
 * Built on `awsx.ec2.Vpc` because it is what our users know and it does the fiddly part well (subnets, route
 * tables, associations, the internet gateway, EIPs, NAT gateways Single or OnePerAz, the private routes to NAT).
 * Two things are steered explicitly instead of left to its defaults:
 * - Subnet CIDRs are computed here (`subnetLayout`) and handed over as explicit `cidrBlocks`: awsx's "Auto"
 *   strategy splits the VPC evenly per AZ, which cannot fit a /22 private and a /24 public subnet per AZ for 3 AZs
 *   in a /20, and its "Legacy" default is due to change. Fixed masks make every stack's layout the same and stable.
 * - The S3 gateway endpoint is a `vpcEndpointSpecs` entry under `vpcEndpointStrategy: "Auto"`, which makes awsx
 *   attach it to every route table it generates: the private ones (the point: S3 traffic, including ECR image
 *   layers, skips the NAT gateway) and the public ones (harmless, the endpoint is free). Only awsx knows its route
 *   table ids, so this is the one way to attach it without racing its creation.
 * Everything that needs the VPC id (the interface endpoints with their security group, the flow logs,
 * the default security group) is a plain `aws` resource here: passing our own security group into awsx's
 * endpoint specs would be circular (the group needs the VPC id awsx returns), and awsx's "Auto" interface
 * endpoints would each get their own security group whose rule carries no description.
 *
 * Under Pulumi's mocks the awsx component is one opaque `awsx:ec2:Vpc` resource, so the tests assert its inputs.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import {
  ArgumentError,
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
import { programRole } from "./iam";
import { logRetentionDays } from "./logRetention";
import { type CommonArgs, componentProvider, regionOf } from "./provider";

/** Mask of every private subnet: 1,019 usable addresses per AZ for container instances and endpoint ENIs. */
export const PRIVATE_SUBNET_MASK = 22;
/** Mask of every public subnet: 251 usable addresses per AZ, plenty for the ALB's nodes and a NAT gateway. */
export const PUBLIC_SUBNET_MASK = 24;
/** AZ slots the layout always reserves, so growing from 2 to 3 AZs only adds subnets and moves none. */
export const MAX_AZS = 3;

/**
 * Interface endpoints the container instances need to run with no NAT in the path: ECR's API and registry (image
 * manifests and auth; the layers come from S3 through the gateway endpoint), CloudWatch Logs (the awslogs
 * driver), and the three endpoints the ECS agent talks to (ecs for the API, ecs-agent for its long poll,
 * ecs-telemetry for metrics). Without all three ECS ones the agent falls back to the public endpoints.
 */
export const INTERFACE_ENDPOINT_SERVICES = [
  "ecr.api",
  "ecr.dkr",
  "logs",
  "ecs",
  "ecs-agent",
  "ecs-telemetry",
] as const;

/** Problems with an IPv4 CIDR meant for the VPC, or none; each phrased to follow `<name> = <value> `. */
export function cidrProblems(cidr: string): string[] {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return ["is not an IPv4 CIDR such as 10.0.0.0/16"];
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255)) return ["has an octet above 255"];
  const problems: string[] = [];
  if (prefix < 16 || prefix > 20) {
    problems.push(
      `has prefix /${prefix}; allowed /16 to /20 (AWS's largest VPC is /16; /20 still holds 3 AZs' subnets)`,
    );
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const hostBits = 32 - Math.min(prefix, 32);
  if (prefix <= 32 && address % 2 ** hostBits !== 0)
    problems.push("has host bits set; the network address must end the prefix");
  const [a, b] = octets;
  const rfc1918 = a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  if (!rfc1918) problems.push("is not in a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)");
  return problems;
}

/** Network's arguments: each one's default, documentation and rule. */
export const NETWORK_ARGS = {
  vpcCidr: string("IPv4 CIDR of the VPC; a private (RFC 1918) /16 to /20.", "10.0.0.0/16", {
    check: cidrProblems,
  }),
  azCount: integer("Availability Zones to span; each gets a public and a private subnet.", 2, {
    min: 2,
    max: MAX_AZS,
  }),
  natStrategy: string(
    "NAT gateways: one shared (cheap) or one per AZ (an AZ outage spares the others).",
    "Single",
    { oneOf: ["Single", "OnePerAz"] },
  ),
  interfaceEndpoints: boolean(
    "Interface endpoints for ECR, CloudWatch Logs and ECS, keeping that traffic off NAT.",
    false,
  ),
  logRetentionDays: { ...logRetentionDays, doc: "Retention of the VPC flow logs, in days." },
} as const;

/** NAT gateway strategies this network supports. */
export type NatStrategy = "Single" | "OnePerAz";

/** Network's inputs: where it runs, and its arguments (each optional, with the default its spec names). */
export interface NetworkArgs extends CommonArgs {
  /** IPv4 CIDR of the VPC, a private (RFC 1918) /16 to /20. Defaults to "10.0.0.0/16". */
  vpcCidr?: string;
  /** Availability Zones to span, 2 or 3; each gets a public and a private subnet. Defaults to 2. */
  azCount?: number;
  /** "Single" (one NAT gateway, cheap) or "OnePerAz" (an AZ outage spares the others' egress). Defaults to "Single". */
  natStrategy?: string;
  /** Create interface endpoints for ECR, CloudWatch Logs and ECS in the private subnets. Defaults to false. */
  interfaceEndpoints?: boolean;
  /** Retention of the flow log group, in days (a value CloudWatch Logs accepts). Defaults to 7. */
  logRetentionDays?: number;
  /** Permissions boundary of the flow log role. Defaults to none. */
  permissionsBoundary?: pulumi.Input<string>;
}

/** The subnet CIDRs per AZ, index i being the i-th AZ. */
export interface SubnetLayout {
  /** Public subnets (/24), one per AZ. */
  public: string[];
  /** Private subnets (/22), one per AZ. */
  private: string[];
}

/** NetworkArgs with defaults applied and the subnet layout computed. */
export interface ResolvedNetworkArgs extends ArgValues<typeof NETWORK_ARGS> {
  natStrategy: NatStrategy;
  subnets: SubnetLayout;
}

/** Every problem with Network's arguments, each naming its argument through `label`. */
export function networkArgsProblems(args: NetworkArgs, label: Label = argName): string[] {
  return checkArgs(
    NETWORK_ARGS,
    args as { [K in keyof typeof NETWORK_ARGS]?: ValueOf<(typeof NETWORK_ARGS)[K]> },
    label,
  ).problems;
}

const ipToInt = (ip: string) => ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
const intToIp = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");

/**
 * The fixed layout inside the VPC's first 3,840 addresses (so it fits the smallest allowed VPC, a /20 of 4,096):
 * private /22 subnets in slots 0-2 (offsets 0, 1024, 2048), then public /24 subnets (offsets 3072, 3328, 3584).
 * Slot i always belongs to AZ i, whatever the AZ count. Expects a CIDR that passed `cidrProblems`.
 */
export function subnetLayout(vpcCidr: string, azCount: number): SubnetLayout {
  const base = ipToInt(vpcCidr.split("/")[0]);
  const privateSize = 2 ** (32 - PRIVATE_SUBNET_MASK);
  const publicSize = 2 ** (32 - PUBLIC_SUBNET_MASK);
  const slots = Array.from({ length: azCount }, (_, i) => i);
  return {
    private: slots.map((i) => `${intToIp(base + i * privateSize)}/${PRIVATE_SUBNET_MASK}`),
    public: slots.map(
      (i) => `${intToIp(base + MAX_AZS * privateSize + i * publicSize)}/${PUBLIC_SUBNET_MASK}`,
    ),
  };
}

/** Applies the defaults and computes the subnet layout; throws an ArgumentError listing every problem. */
export function resolveNetworkArgs(args: NetworkArgs): ResolvedNetworkArgs {
  const { values, problems } = checkArgs(
    NETWORK_ARGS,
    args as { [K in keyof typeof NETWORK_ARGS]?: ValueOf<(typeof NETWORK_ARGS)[K]> },
  );
  throwIfProblems("Network", problems);
  return {
    ...values,
    natStrategy: values.natStrategy as NatStrategy,
    subnets: subnetLayout(values.vpcCidr, values.azCount),
  };
}

/** The flow log role's trust policy: only VPC Flow Logs, only for flow logs of this account and region. */
export function flowLogsTrustPolicy(
  partition: string,
  region: string,
  accountId: string,
): aws.iam.PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Action: "sts:AssumeRole",
        // Confused-deputy guard: the service may assume the role only on behalf of this account's flow logs.
        Condition: {
          StringEquals: { "aws:SourceAccount": accountId },
          ArnLike: { "aws:SourceArn": `arn:${partition}:ec2:${region}:${accountId}:vpc-flow-log/*` },
        },
      },
    ],
  };
}

/**
 * The flow log role's permissions: write streams of its one log group, as AWS documents the role (flow-logs-iam-
 * role.html: CreateLogGroup, CreateLogStream, PutLogEvents, DescribeLogGroups, DescribeLogStreams) less
 * CreateLogGroup, since the group exists before the flow log. DescribeLogGroups has no resource type, so it is
 * granted on "*" (it lists group names and settings, no log data).
 */
export function flowLogsPolicy(logGroupArn: string): aws.iam.PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "WriteFlowLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        // The group's ARN with and without the `:*` that IAM uses for its streams.
        Resource: [logGroupArn, `${logGroupArn}:*`],
      },
      { Sid: "FindTheGroup", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
    ],
  };
}

/** What other components need of a network: where to put things. A `Network` is one. */
export interface NetworkRef {
  /** The VPC's id. */
  readonly vpcId: pulumi.Input<string>;
  /** The VPC's IPv4 CIDR. */
  readonly vpcCidrBlock: pulumi.Input<string>;
  /** Public subnet ids, one per AZ (internet-facing load balancers). */
  readonly publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Private subnet ids, one per AZ (instances, endpoints, functions). */
  readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The VPC's default security group, without rules: where a Lambda function's network interfaces go before
   * the function is deleted, so its own group can be deleted at once.
   */
  readonly defaultSecurityGroupId: pulumi.Input<string>;
}

/** A VPC with public and private subnets per AZ, NAT, endpoints and flow logs. */
export class Network extends pulumi.ComponentResource implements NetworkRef {
  /** The awsx VPC: subnets, route tables, NAT gateways and the S3 gateway endpoint. */
  readonly vpc: awsx.ec2.Vpc;
  /** The VPC's id. */
  readonly vpcId: pulumi.Output<string>;
  /** The VPC's IPv4 CIDR, known at program time. */
  readonly vpcCidrBlock: string;
  /** Public subnet ids, one per AZ in AZ order (the ALB goes here). */
  readonly publicSubnetIds: pulumi.Output<string[]>;
  /** Private subnet ids, one per AZ in AZ order (the container instances go here). */
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** The VPC's default security group, adopted with no rules. */
  readonly defaultSecurityGroupId: pulumi.Output<string>;
  /** Security group of the interface endpoints (443 from the VPC); undefined when the endpoints are off. */
  readonly endpointSecurityGroupId: pulumi.Output<string> | undefined;
  /** Name of the CloudWatch log group holding the VPC flow logs. */
  readonly flowLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-json-api:network:Network", name, {}, opts);
    const resolved = resolveNetworkArgs(args);
    const provider = componentProvider(this, name, "Network", args, opts);
    const child = { parent: this, provider };
    // awsx takes the S3 endpoint's service name as a plain string, so the region must be known here; a caller's
    // provider in another region would put the endpoint's name out of step with it, which the check refuses.
    const region = args.region ?? aws.config.region;
    if (!region) throw new ArgumentError("Network", ["region is not set and aws:region has no value"]);
    regionOf(this, provider).apply((actual) => {
      if (actual !== region) {
        throw new Error(
          `Network: region "${region}" differs from the provider's region "${actual}"; pass the provider's`,
        );
      }
    });

    const vpc = new awsx.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: resolved.vpcCidr,
        numberOfAvailabilityZones: resolved.azCount,
        subnetStrategy: "Auto",
        subnetSpecs: [
          { type: "Public", cidrMask: PUBLIC_SUBNET_MASK, cidrBlocks: resolved.subnets.public },
          { type: "Private", cidrMask: PRIVATE_SUBNET_MASK, cidrBlocks: resolved.subnets.private },
        ],
        natGateways: { strategy: resolved.natStrategy },
        // Both are required by private DNS on interface endpoints.
        enableDnsHostnames: true,
        enableDnsSupport: true,
        vpcEndpointStrategy: "Auto",
        vpcEndpointSpecs: [{ serviceName: `com.amazonaws.${region}.s3`, vpcEndpointType: "Gateway" }],
      },
      { parent: this, providers: { aws: provider } },
    );
    this.vpc = vpc;
    this.vpcId = vpc.vpcId;
    this.vpcCidrBlock = resolved.vpcCidr;
    this.publicSubnetIds = vpc.publicSubnetIds;
    this.privateSubnetIds = vpc.privateSubnetIds;

    // Adopting the default group removes its rules (allow-all within the group, allow-all egress), so anything
    // launched without an explicit group can talk to nothing.
    this.defaultSecurityGroupId = new aws.ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      { vpcId: vpc.vpcId, ingress: [], egress: [], tags: { Name: `${name}-default (no rules)` } },
      child,
    ).id;

    if (resolved.interfaceEndpoints) {
      // No egress rules: endpoint ENIs only answer; the provider removes AWS's default allow-all egress.
      const endpointSg = new aws.ec2.SecurityGroup(
        `${name}-endpoints`,
        {
          vpcId: vpc.vpcId,
          description: "Interface VPC endpoints: HTTPS from inside the VPC only",
          tags: { Name: `${name}-endpoints` },
        },
        child,
      );
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-endpoints-https`,
        {
          securityGroupId: endpointSg.id,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: resolved.vpcCidr,
          description: "HTTPS to the AWS service endpoints from inside the VPC",
        },
        child,
      );
      for (const service of INTERFACE_ENDPOINT_SERVICES) {
        const key = service.replace(/\./g, "-");
        new aws.ec2.VpcEndpoint(
          `${name}-endpoint-${key}`,
          {
            vpcId: vpc.vpcId,
            serviceName: `com.amazonaws.${region}.${service}`,
            vpcEndpointType: "Interface",
            // The service's public DNS name resolves to the endpoint inside the VPC: no client changes.
            privateDnsEnabled: true,
            subnetIds: vpc.privateSubnetIds,
            securityGroupIds: [endpointSg.id],
            tags: { Name: `${name}-${key}` },
          },
          child,
        );
      }
      this.endpointSecurityGroupId = endpointSg.id;
    }

    const flowLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      { retentionInDays: resolved.logRetentionDays },
      child,
    );
    this.flowLogGroupName = flowLogGroup.name;
    const identity = aws.getCallerIdentityOutput({}, child);
    const partition = aws.getPartitionOutput({}, child);
    const flowLogRole = programRole(
      `${name}-flow-logs-role`,
      {
        description: `Lets VPC Flow Logs write the ${name} VPC's flow logs to their log group`,
        permissionsBoundary: args.permissionsBoundary,
        assumeRolePolicy: pulumi.jsonStringify(
          pulumi
            .all([partition.partition, identity.accountId])
            .apply(([p, account]) => flowLogsTrustPolicy(p, region, account)),
        ),
      },
      child,
    );
    const flowLogPolicy = new aws.iam.RolePolicy(
      `${name}-flow-logs-write`,
      {
        role: flowLogRole.id,
        policy: pulumi.jsonStringify(flowLogGroup.arn.apply(flowLogsPolicy)),
      },
      child,
    );
    new aws.ec2.FlowLog(
      `${name}-flow-log`,
      {
        vpcId: vpc.vpcId,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: flowLogGroup.arn,
        iamRoleArn: flowLogRole.arn,
      },
      // Without the permissions in place the first delivery attempts fail with an access error.
      { ...child, dependsOn: [flowLogPolicy] },
    );

    this.registerOutputs({
      vpcId: this.vpcId,
      vpcCidrBlock: this.vpcCidrBlock,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      defaultSecurityGroupId: this.defaultSecurityGroupId,
      endpointSecurityGroupId: this.endpointSecurityGroupId,
      flowLogGroupName: this.flowLogGroupName,
    });
  }
}
