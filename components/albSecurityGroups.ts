/**
 * The network rules between the internet, the ALB and the container instances. The ALB's group takes HTTP
 * (and HTTPS when TLS is on; HTTP then only redirects) from anywhere over IPv4 (the ALB has no IPv6 address,
 * so an IPv6 rule would admit nothing), and sends only to the
 * instances' ephemeral ports; the instances' group (owned by EcsCluster) gets exactly one ingress rule: from
 * the ALB's group on those ports. Nothing else is opened, and every rule says why it exists.
 *
 * Rules are separate `aws.vpc` rule resources, not inline blocks: each has its own description and identity,
 * and the instances' group, which another component owns, can take one without being redefined.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/**
 * Where dynamic host ports come from: Docker takes them from the kernel's ephemeral range (32768-60999 on
 * Amazon Linux), or 49153-65535 when it cannot read it; this range covers both.
 */
export const EPHEMERAL_PORTS = { from: 32768, to: 65535 } as const;

/** What the rules connect. */
export interface AlbSecurityGroupsArgs {
  /** VPC of the ALB's security group. */
  vpcId: pulumi.Input<string>;
  /** The container instances' security group. */
  instanceSecurityGroupId: pulumi.Input<string>;
  /** Whether the ALB serves HTTPS on 443 (and HTTP 80 only redirects). */
  https: boolean;
}

/** Creates the ALB's security group and every rule; returns the group and the rules (the service waits for them). */
export function createAlbSecurityGroups(
  name: string,
  args: AlbSecurityGroupsArgs,
  opts: pulumi.CustomResourceOptions,
): { albSecurityGroup: aws.ec2.SecurityGroup; rules: pulumi.Resource[] } {
  const albSecurityGroup = new aws.ec2.SecurityGroup(
    `${name}-alb-sg`,
    { vpcId: args.vpcId, description: "Public ALB of the services: HTTP(S) in, task ports out" },
    opts,
  );
  const rules: pulumi.Resource[] = [];
  const listening = args.https
    ? [
        { port: 80, what: "HTTP (redirected to HTTPS)" },
        { port: 443, what: "HTTPS" },
      ]
    : [{ port: 80, what: "HTTP" }];
  for (const { port, what } of listening) {
    rules.push(
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-alb-in-${port}-ipv4`,
        {
          securityGroupId: albSecurityGroup.id,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrIpv4: "0.0.0.0/0",
          description: `${what} from anywhere (IPv4)`,
        },
        opts,
      ),
    );
  }
  const taskPorts = { ipProtocol: "tcp", fromPort: EPHEMERAL_PORTS.from, toPort: EPHEMERAL_PORTS.to };
  rules.push(
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-alb-out-to-instances`,
      {
        securityGroupId: albSecurityGroup.id,
        referencedSecurityGroupId: args.instanceSecurityGroupId,
        ...taskPorts,
        description: "To the dynamic host ports of the tasks on the container instances",
      },
      opts,
    ),
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-instances-in-from-alb`,
      {
        securityGroupId: args.instanceSecurityGroupId,
        referencedSecurityGroupId: albSecurityGroup.id,
        ...taskPorts,
        description: "From the public ALB to the dynamic host ports of the tasks",
      },
      opts,
    ),
  );
  return { albSecurityGroup, rules };
}
