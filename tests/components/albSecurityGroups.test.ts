/** createAlbSecurityGroups under mocks: what the internet, the ALB and the container instances may say to each other. */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { createAlbSecurityGroups, EPHEMERAL_PORTS } from "../../components/albSecurityGroups";
import { type RecordedResource, runUnderMocks } from "../../lib/harness";

const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const GROUP = "aws:ec2/securityGroup:SecurityGroup";

/**
 * EC2 API reference, CreateSecurityGroup GroupDescription and IpRange/UserIdGroupPair Description: up to 255
 * characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$* (an apostrophe fails the first real deploy).
 */
const EC2_DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;

/** Evaluates the rules for an HTTP-only or a TLS load balancer, and what the function returned. */
async function evaluate(https: boolean) {
  let returned: string[] = [];
  const evaluation = await runUnderMocks(() => {
    const provider = new aws.Provider("caller", { region: "eu-west-1" });
    const { albSecurityGroup, rules } = createAlbSecurityGroups(
      "web",
      { vpcId: "vpc-1", instanceSecurityGroupId: "sg-instances", https },
      { provider },
    );
    returned = rules.map((r) => (r as unknown as { __name: string }).__name);
    return { albSecurityGroupId: albSecurityGroup.id };
  });
  return { evaluation, returned, alb: evaluation.outputs.albSecurityGroupId as string };
}

/** A rule as `group protocol from-to peer`. */
function line(r: RecordedResource): string {
  const i = r.inputs;
  return `${i.securityGroupId} ${i.ipProtocol} ${i.fromPort}-${i.toPort} ${i.cidrIpv4 ?? i.cidrIpv6 ?? i.referencedSecurityGroupId}`;
}

describe("createAlbSecurityGroups", () => {
  let http: Awaited<ReturnType<typeof evaluate>>;
  let tls: Awaited<ReturnType<typeof evaluate>>;
  before(async () => {
    http = await evaluate(false);
    tls = await evaluate(true);
  });

  it("lets the internet reach the ALB only on HTTP 80, over IPv4", () => {
    const fromAnywhere = http.evaluation
      .resourcesOfType(INGRESS)
      .filter((r) => r.inputs.securityGroupId === http.alb);
    assert.deepEqual(fromAnywhere.map(line), [`${http.alb} tcp 80-80 0.0.0.0/0`]);
  });

  it("adds HTTPS 443 with TLS, keeping 80 for the redirect", () => {
    const fromAnywhere = tls.evaluation
      .resourcesOfType(INGRESS)
      .filter((r) => r.inputs.securityGroupId === tls.alb);
    assert.deepEqual(fromAnywhere.map(line).sort(), [
      `${tls.alb} tcp 443-443 0.0.0.0/0`,
      `${tls.alb} tcp 80-80 0.0.0.0/0`,
    ]);
  });

  it("opens nothing over IPv6, which the IPv4-only ALB could not receive", () => {
    for (const { evaluation } of [http, tls]) {
      for (const rule of [...evaluation.resourcesOfType(INGRESS), ...evaluation.resourcesOfType(EGRESS)]) {
        assert.equal(rule.inputs.cidrIpv6, undefined, rule.name);
      }
    }
  });

  it("lets the ALB send only to the instances' group, on the ephemeral ports tasks get their host ports from", () => {
    for (const { evaluation, alb } of [http, tls]) {
      assert.deepEqual(evaluation.resourcesOfType(EGRESS).map(line), [
        `${alb} tcp ${EPHEMERAL_PORTS.from}-${EPHEMERAL_PORTS.to} sg-instances`,
      ]);
    }
  });

  it("gives the instances' group exactly one ingress rule: from the ALB's group on those ports", () => {
    for (const { evaluation, alb } of [http, tls]) {
      const intoInstances = evaluation
        .resourcesOfType(INGRESS)
        .filter((r) => r.inputs.securityGroupId === "sg-instances");
      assert.deepEqual(intoInstances.map(line), [
        `sg-instances tcp ${EPHEMERAL_PORTS.from}-${EPHEMERAL_PORTS.to} ${alb}`,
      ]);
    }
  });

  it("covers both ranges Docker takes dynamic host ports from: the kernel's and its own fallback", () => {
    const amazonLinux = { from: 32768, to: 60999 };
    const dockerFallback = { from: 49153, to: 65535 };
    for (const range of [amazonLinux, dockerFallback]) {
      assert.ok(EPHEMERAL_PORTS.from <= range.from && range.to <= EPHEMERAL_PORTS.to, JSON.stringify(range));
    }
  });

  it("keeps no inline rules on the ALB's group, which would fight the separate rule resources", () => {
    const group = http.evaluation.one(GROUP);
    assert.equal(group.inputs.ingress, undefined);
    assert.equal(group.inputs.egress, undefined);
    assert.equal(group.inputs.vpcId, "vpc-1");
  });

  it("describes the group and every rule in the characters EC2 accepts", () => {
    for (const { evaluation } of [http, tls]) {
      const described = [
        ...evaluation.resourcesOfType(GROUP),
        ...evaluation.resourcesOfType(INGRESS),
        ...evaluation.resourcesOfType(EGRESS),
      ];
      assert.equal(described.length, 1 + evaluation.resourcesOfType(INGRESS).length + 1);
      for (const r of described) assert.match(r.inputs.description, EC2_DESCRIPTION, r.name);
    }
  });

  it("returns every rule, so a service can wait for the whole path to its tasks", () => {
    for (const { evaluation, returned } of [http, tls]) {
      const rules = [...evaluation.resourcesOfType(INGRESS), ...evaluation.resourcesOfType(EGRESS)];
      assert.deepEqual([...returned].sort(), rules.map((r) => r.name).sort());
    }
  });

  it("names every resource after the load balancer and creates each with the caller's options", () => {
    for (const { evaluation } of [http, tls]) {
      const created = evaluation.resources.filter((r) => r.type.startsWith("aws:"));
      assert.ok(created.length >= 4);
      for (const r of created) {
        assert.match(r.name, /^web-/);
        assert.equal(evaluation.providerOf(r)?.name, "caller", r.name);
      }
    }
  });
});
