/**
 * Security groups. Rules come in three shapes (inline `ingress`/`egress` on a group, the per-rule
 * `aws.vpc.SecurityGroupIngressRule`/`EgressRule`, the older `aws.ec2.SecurityGroupRule`); all three are
 * normalised first, so a rule cannot dodge a policy by its shape. These are stack policies because whether a
 * rule may be open to the internet depends on which group it belongs to, and that group's use by the ALB.
 */
import * as aws from "@pulumi/aws";
import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { ANYWHERE, asArray, controls, portRange, referenced, resourcesOf } from "./common";

/** One security group rule, whatever its shape. */
export interface NormalisedRule {
  direction: "ingress" | "egress";
  /** The group the rule belongs to, when it can be found in the stack. */
  group: PolicyResource | undefined;
  /** The resource that declares the rule (the group itself for inline rules). */
  declaredBy: PolicyResource;
  /** How messages name the rule. */
  label: string;
  protocol: string;
  ports: [number, number];
  /** IPv4 and IPv6 CIDR sources or destinations. */
  cidrs: string[];
  description: string | undefined;
}

const GROUP_CLASSES = [aws.ec2.SecurityGroup, aws.ec2.DefaultSecurityGroup];

/** Every security group rule in the stack. */
export function securityGroupRules(args: StackValidationArgs): NormalisedRule[] {
  const groups = resourcesOf(args, ...GROUP_CLASSES);
  const rules: NormalisedRule[] = [];
  for (const group of groups) {
    for (const direction of ["ingress", "egress"] as const) {
      asArray(group.props[direction] as Record<string, any>[]).forEach((r, i) => {
        rules.push({
          direction,
          group,
          declaredBy: group,
          label: `${group.name} inline ${direction} rule ${i + 1}`,
          protocol: String(r.protocol),
          ports: portRange(r.protocol, r.fromPort, r.toPort),
          cidrs: [...asArray<string>(r.cidrBlocks), ...asArray<string>(r.ipv6CidrBlocks)],
          description: r.description,
        });
      });
    }
  }
  const perRule = [
    ...resourcesOf(args, aws.vpc.SecurityGroupIngressRule).map((r) => ["ingress", r] as const),
    ...resourcesOf(args, aws.vpc.SecurityGroupEgressRule).map((r) => ["egress", r] as const),
  ];
  for (const [direction, r] of perRule) {
    rules.push({
      direction,
      group: referenced(r, "securityGroupId", groups)[0],
      declaredBy: r,
      label: r.name,
      protocol: String(r.props.ipProtocol),
      ports: portRange(r.props.ipProtocol, r.props.fromPort, r.props.toPort),
      cidrs: [r.props.cidrIpv4, r.props.cidrIpv6].filter((c): c is string => typeof c === "string"),
      description: r.props.description,
    });
  }
  for (const r of resourcesOf(args, aws.ec2.SecurityGroupRule)) {
    rules.push({
      direction: r.props.type === "egress" ? "egress" : "ingress",
      group: referenced(r, "securityGroupId", groups)[0],
      declaredBy: r,
      label: r.name,
      protocol: String(r.props.protocol),
      ports: portRange(r.props.protocol, r.props.fromPort, r.props.toPort),
      cidrs: [...asArray<string>(r.props.cidrBlocks), ...asArray<string>(r.props.ipv6CidrBlocks)],
      description: r.props.description,
    });
  }
  return rules;
}

/** The security groups attached to an Application Load Balancer in the stack. */
export function loadBalancerGroups(args: StackValidationArgs): PolicyResource[] {
  const groups = resourcesOf(args, ...GROUP_CLASSES);
  return resourcesOf(args, aws.lb.LoadBalancer, aws.alb.LoadBalancer)
    .filter((lb) => (lb.props.loadBalancerType ?? "application") === "application")
    .flatMap((lb) => referenced(lb, "securityGroups", groups));
}

const covers = (ports: [number, number], port: number) => ports[0] <= port && port <= ports[1];
const showPorts = ([lo, hi]: [number, number]) => (lo === hi ? `port ${lo}` : `ports ${lo}-${hi}`);

export const noIngressFromAnywhere: StackValidationPolicy = {
  name: "sg-no-ingress-from-anywhere",
  description:
    "No security group admits 0.0.0.0/0 or ::/0, except TCP 80 and 443 on the Application Load Balancer's group.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: controls("EC2.18", "CKV_AWS_277"),
  validateStack: (args, report) => {
    const albGroups = loadBalancerGroups(args);
    for (const rule of securityGroupRules(args)) {
      if (rule.direction !== "ingress") continue;
      const open = rule.cidrs.filter((c) => ANYWHERE.includes(c));
      if (open.length === 0) continue;
      const webPort =
        ["tcp", "6"].includes(rule.protocol.toLowerCase()) &&
        rule.ports[0] === rule.ports[1] &&
        (rule.ports[0] === 80 || rule.ports[0] === 443);
      const onAlb = rule.group !== undefined && albGroups.includes(rule.group);
      if (webPort && onAlb) continue;
      report(
        `${rule.label}: ingress from ${open.join(", ")} to ${showPorts(rule.ports)}` +
          (webPort ? " on a group that is not the load balancer's" : "") +
          "; only TCP 80 and 443 on the load balancer's security group may be open to the internet",
        rule.declaredBy.urn,
      );
    }
  },
};

export const noAdminPorts: StackValidationPolicy = {
  name: "sg-no-admin-ports",
  description:
    "No security group rule opens SSH (22) or RDP (3389), from anywhere; instances are reached via SSM.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: controls("EC2.19", "CKV_AWS_24", "CKV_AWS_25"),
  validateStack: (args, report) => {
    for (const rule of securityGroupRules(args)) {
      if (rule.direction !== "ingress") continue;
      for (const port of [22, 3389]) {
        if (covers(rule.ports, port)) {
          report(
            `${rule.label}: ingress to ${showPorts(rule.ports)} opens port ${port}`,
            rule.declaredBy.urn,
          );
        }
      }
    }
  },
};

export const rulesDescribed: StackValidationPolicy = {
  name: "sg-rules-described",
  description: "Every security group rule, ingress and egress, says in its description why it exists.",
  enforcementLevel: "mandatory",
  severity: "low",
  tags: controls("CKV_AWS_23"),
  validateStack: (args, report) => {
    for (const rule of securityGroupRules(args)) {
      if (typeof rule.description !== "string" || rule.description.trim() === "") {
        report(`${rule.label}: ${rule.direction} rule has no description`, rule.declaredBy.urn);
      }
    }
  },
};

export const networkPolicies = [noIngressFromAnywhere, noAdminPorts, rulesDescribed];
