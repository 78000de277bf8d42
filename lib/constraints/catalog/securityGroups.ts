/** EC2 security groups and their ingress and egress rules (the aws:vpc rule resources). */
import { defaultAutoName } from "../autoname";
import { apiReference } from "../botocore";
import type { TypeConstraints } from "../model";
import { crossField, notPrefixed, pattern, range } from "../rules";
import { ec2Description, NO_CONSTRAINT } from "./common";
import { CIDR_V4, EC2_TAGS } from "./ec2";

const groupDescription = ec2Description(
  "CreateSecurityGroupRequest.Description",
  "Constraints: Up to 255 characters in length Valid characters: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*",
);

const cidrSource = apiReference("ec2", "SecurityGroupRuleRequest.CidrIpv4", "The IPv4 CIDR range.");

/** A security group rule (aws:vpc ingress and egress rule resources). */
function securityGroupRule(): TypeConstraints {
  const portSource = apiReference(
    "ec2",
    "SecurityGroupRuleRequest.ToPort",
    "If the start port is -1 (all ICMP types), then the end port must be -1 (all ICMP codes).",
  );
  const protocolSource = apiReference(
    "ec2",
    "IpPermission.IpProtocol",
    "The IP protocol name (tcp, udp, icmp, icmpv6) or number (see Protocol Numbers). Use -1 to specify all protocols.",
  );
  return {
    fields: {
      // The rule's description lands on the IpRange of a CIDR rule and on the UserIdGroupPair of a rule that
      // references a group; the group pair's character set has no `&` (terraform-provider-aws issue 18874
      // was an apostrophe here).
      description: [
        ...ec2Description(
          "IpRange.Description",
          "Constraints: Up to 255 characters in length. Allowed characters are a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*",
        ),
      ],
      cidrIpv4: [
        pattern(CIDR_V4, "an IPv4 CIDR block a.b.c.d/n", cidrSource, [
          "10.0.0.0/33",
          "10.0.0.256/32",
          "10.0.0.0",
        ]),
      ],
      ipProtocol: [
        pattern(
          /tcp|udp|icmp|icmpv6|-1|\d{1,3}/,
          "tcp, udp, icmp, icmpv6, -1 or a protocol number",
          protocolSource,
          ["http", "all", "1000"],
        ),
      ],
      fromPort: [range(-1, 65535, portSource, { integer: true })],
      toPort: [range(-1, 65535, portSource, { integer: true })],
    },
    unconstrained: {
      securityGroupId: NO_CONSTRAINT.reference,
      referencedSecurityGroupId: NO_CONSTRAINT.reference,
      prefixListId: NO_CONSTRAINT.reference,
    },
    resource: [
      crossField(
        ["fromPort", "toPort"],
        "fromPort <= toPort",
        apiReference(
          "ec2",
          "IpPermission.FromPort",
          "If the protocol is TCP or UDP, this is the start of the port range.",
        ),
        (i) =>
          typeof i.fromPort === "number" && typeof i.toPort === "number" && i.fromPort > i.toPort
            ? { path: "fromPort", problem: `is above toPort ${i.toPort}` }
            : undefined,
        [{ ipProtocol: "tcp", fromPort: 8080, toPort: 80, cidrIpv4: "10.0.0.0/16" }],
      ),
      crossField(
        ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"],
        "exactly one source or destination: cidrIpv4, cidrIpv6, prefixListId or referencedSecurityGroupId",
        apiReference(
          "ec2",
          "IpRange.CidrIp",
          "You can either specify a CIDR block or a source security group, not both.",
        ),
        (i) => {
          const set = ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"].filter(
            (k) => i[k] !== undefined && i[k] !== null,
          );
          return set.length === 1
            ? undefined
            : { path: set[0] ?? "cidrIpv4", problem: `sets ${set.length} of them` };
        },
        [
          { ipProtocol: "tcp", fromPort: 80, toPort: 80 },
          {
            ipProtocol: "tcp",
            fromPort: 80,
            toPort: 80,
            cidrIpv4: "0.0.0.0/0",
            referencedSecurityGroupId: "sg-1",
          },
        ],
      ),
      crossField(
        ["description", "referencedSecurityGroupId"],
        "a rule referencing a group: description without & (the group pair's character set)",
        apiReference(
          "ec2",
          "UserIdGroupPair.Description",
          "Constraints: Up to 255 characters in length. Allowed characters are a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=;{}!$*",
        ),
        (i) =>
          i.referencedSecurityGroupId && typeof i.description === "string" && i.description.includes("&")
            ? { path: "description", problem: 'contains "&"' }
            : undefined,
        [
          {
            ipProtocol: "tcp",
            fromPort: 80,
            toPort: 80,
            referencedSecurityGroupId: "sg-0123456789abcdef0",
            description: "ALB & health checks",
          },
        ],
      ),
    ],
    tags: EC2_TAGS,
  };
}

const groupName = [
  ...ec2Description(
    "CreateSecurityGroupRequest.GroupName",
    "Constraints: Up to 255 characters in length. Can't start with sg-. Valid characters: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*",
  ),
  notPrefixed(["sg-"], apiReference("ec2", "CreateSecurityGroupRequest.GroupName", "Can't start with sg-."), {
    ignoreCase: false,
  }),
];

export const SECURITY_GROUPS: Record<string, TypeConstraints> = {
  "aws:ec2/securityGroup:SecurityGroup": {
    autoName: defaultAutoName(),
    fields: { name: groupName, description: groupDescription },
    unconstrained: {
      vpcId: NO_CONSTRAINT.reference,
      revokeRulesOnDelete: NO_CONSTRAINT.providerOnly,
    },
    tags: EC2_TAGS,
  },
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": {
    fields: {},
    unconstrained: {
      vpcId: NO_CONSTRAINT.reference,
      "ingress[]": "an empty list removes every rule of the default group; AWS accepts no rules",
      "egress[]": "an empty list removes every rule of the default group; AWS accepts no rules",
      revokeRulesOnDelete: NO_CONSTRAINT.providerOnly,
    },
    tags: EC2_TAGS,
  },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": securityGroupRule(),
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": securityGroupRule(),
};
