/** LoadBalancer: its arguments (pure) and the component under mocks. */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { ArgumentError, valueProblems } from "../../components/args";
import { serviceTrustPolicy } from "../../components/iam";
import {
  LOAD_BALANCER_ARGS,
  LoadBalancer,
  type LoadBalancerArgs,
  loadBalancerArgsProblems,
  resolveLoadBalancerArgs,
} from "../../components/loadBalancer";
import { ACCOUNT_ID, type Evaluation, runUnderMocks } from "../../lib/harness";
import { checkStack } from "../../lib/policy";

const CERT = `arn:aws:acm:eu-west-1:${ACCOUNT_ID}:certificate/0a1b2c3d-1111-2222-3333-444455556666`;
const DOMAIN = { domainName: "api.example.com", hostedZoneId: "Z0123456789ABC" };
const TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT_ID}:alarms`;
const BASE: LoadBalancerArgs = {
  region: "eu-west-1",
  tags: { project: "ecs-json-api", stack: "test" },
  network: { vpcId: "vpc-1", publicSubnetIds: ["subnet-a", "subnet-b"] },
  cluster: { instanceSecurityGroupId: "sg-instances" },
};
const ALB = "aws:lb/loadBalancer:LoadBalancer";

const nameOf = (r: unknown) => (r as { __name: string }).__name;

/** Evaluates a LoadBalancer and outputs what it exposes, children by name. */
function evaluate(args: Partial<LoadBalancerArgs> = {}, stack = "test"): Promise<Evaluation> {
  return runUnderMocks(
    () => {
      const lb = new LoadBalancer("web", { ...BASE, ...args });
      return {
        loadBalancer: nameOf(lb.loadBalancer),
        securityGroup: nameOf(lb.securityGroup),
        listener: nameOf(lb.listener),
        listeners: lb.listeners.map(nameOf),
        accessLogBucket: lb.accessLogBucket ? nameOf(lb.accessLogBucket) : null,
        alarms: lb.alarms.map(nameOf),
        ready: lb.ready.map(nameOf),
        vpcId: lb.vpcId,
        url: lb.url,
        dnsName: lb.dnsName,
        arnSuffix: lb.arnSuffix,
        idleTimeout: lb.idleTimeout,
        https: lb.https,
      };
    },
    { stack },
  );
}

describe("LoadBalancer arguments", () => {
  it("has defaults that pass their own rules, and documents every argument", () => {
    for (const [arg, spec] of Object.entries(LOAD_BALANCER_ARGS)) {
      assert.deepEqual(valueProblems(arg, spec, spec.default), [], arg);
      assert.ok(spec.doc.length > 0, arg);
    }
    assert.deepEqual(loadBalancerArgsProblems({}), []);
  });

  it("defaults to plain HTTP, a 60 s idle timeout, no access logs and no deletion protection", () => {
    const r = resolveLoadBalancerArgs(BASE);
    assert.deepEqual([r.tls, r.idleTimeout, r.accessLogs, r.deletionProtection], ["none", 60, false, false]);
  });

  describe("chooses how TLS is terminated", () => {
    const cases: [what: string, Partial<LoadBalancerArgs>, string][] = [
      ["not at all without a certificate or domain", {}, "none"],
      ["with a given certificate", { certificateArn: CERT }, "certificate"],
      ["with an ACM certificate for a domain with a zone", DOMAIN, "acm"],
      [
        "with a given certificate rather than issuing one",
        { ...DOMAIN, certificateArn: CERT },
        "certificate",
      ],
      [
        "with a given certificate for a domain without a zone",
        { domainName: DOMAIN.domainName, certificateArn: CERT },
        "certificate",
      ],
    ];
    for (const [what, args, tls] of cases) {
      it(what, () => assert.equal(resolveLoadBalancerArgs({ ...BASE, ...args }).tls, tls));
    }
  });

  it("accepts the idle timeouts the ELB API accepts, 1 to 4000 seconds", () => {
    for (const ok of [1, 4000]) assert.deepEqual(loadBalancerArgsProblems({ idleTimeout: ok }), []);
    for (const bad of [0, 4001, 1.5]) {
      assert.deepEqual(loadBalancerArgsProblems({ idleTimeout: bad }), [
        `idleTimeout = ${bad} is not allowed; expected a whole number from 1 to 4000`,
      ]);
    }
  });

  const refusals: [what: string, args: Parameters<typeof loadBalancerArgsProblems>[0], problem: string][] = [
    [
      "a certificate that is not an ACM ARN",
      { certificateArn: "arn:aws:iam::123456789012:server-certificate/x" },
      'certificateArn = "arn:aws:iam::123456789012:server-certificate/x" is not allowed; expected an ACM certificate ARN',
    ],
    [
      "a domain name that is not lower-case DNS",
      { domainName: "API.example.com", certificateArn: CERT },
      'domainName = "API.example.com" is not allowed; expected a lower-case DNS name such as api.example.com',
    ],
    [
      "a zone id that is not a Route 53 zone",
      { ...DOMAIN, hostedZoneId: "zone-1" },
      'hostedZoneId = "zone-1" is not allowed; expected a Route 53 hosted zone id such as Z0123456789ABC',
    ],
    [
      "a zone without a domain",
      { hostedZoneId: DOMAIN.hostedZoneId },
      'hostedZoneId = "Z0123456789ABC" is set without domainName; set both or neither',
    ],
    [
      "a domain it can neither certify nor serve",
      { domainName: DOMAIN.domainName },
      'domainName = "api.example.com" needs hostedZoneId (for a DNS-validated certificate) or certificateArn',
    ],
    [
      "fewer than two public subnets, which an ALB cannot span",
      { network: { vpcId: "vpc-1", publicSubnetIds: ["subnet-a"] } },
      "network.publicSubnetIds has 1; an ALB needs subnets in at least two Availability Zones",
    ],
    [
      "a retention outside the periods every log store of the program accepts",
      { logRetentionDays: 10 },
      "logRetentionDays = 10 is not allowed; expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
    ],
  ];
  for (const [what, args, problem] of refusals) {
    it(`refuses ${what}`, () => assert.deepEqual(loadBalancerArgsProblems(args), [problem]));
  }

  it("reports every problem at once, each named through the label", () => {
    const label = (arg: string) => `ecs-json-api:${arg}`;
    assert.deepEqual(loadBalancerArgsProblems({ idleTimeout: 0, hostedZoneId: "Z1" }, label), [
      "ecs-json-api:idleTimeout = 0 is not allowed; expected a whole number from 1 to 4000",
      'ecs-json-api:hostedZoneId = "Z1" is set without ecs-json-api:domainName; set both or neither',
    ]);
  });

  it("leaves subnets known only at deploy time to AWS", () => {
    assert.deepEqual(
      loadBalancerArgsProblems({ network: { vpcId: "vpc-1", publicSubnetIds: undefined as never } }),
      [],
    );
  });

  it("fails the program with an ArgumentError listing every problem", async () => {
    await assert.rejects(
      runUnderMocks(
        () => new LoadBalancer("web", { ...BASE, idleTimeout: 0, domainName: DOMAIN.domainName }),
      ),
      (err: Error) => {
        assert.ok(err instanceof ArgumentError);
        assert.equal(
          err.message,
          "LoadBalancer: idleTimeout = 0 is not allowed; expected a whole number from 1 to 4000; " +
            'domainName = "api.example.com" needs hostedZoneId (for a DNS-validated certificate) or certificateArn',
        );
        return true;
      },
    );
  });
});

describe("LoadBalancer", () => {
  let http: Evaluation;
  let acm: Evaluation;
  let certificate: Evaluation;
  let prod: Evaluation;
  before(async () => {
    http = await evaluate({ idleTimeout: 120 });
    acm = await evaluate(DOMAIN);
    certificate = await evaluate({ certificateArn: CERT });
    prod = await evaluate(
      {
        ...DOMAIN,
        tags: { project: "ecs-json-api", stack: "prod" },
        accessLogs: true,
        deletionProtection: true,
        logRetentionDays: 90,
        alarmTopicArn: TOPIC,
      },
      "prod",
    );
  });

  it("is an internet-facing, IPv4 Application Load Balancer in the public subnets, behind its own group", () => {
    const alb = http.one(ALB).inputs;
    assert.deepEqual([alb.loadBalancerType, alb.internal, alb.ipAddressType], ["application", false, "ipv4"]);
    assert.deepEqual(alb.subnets, ["subnet-a", "subnet-b"]);
    assert.deepEqual(alb.securityGroups, [http.one("aws:ec2/securityGroup:SecurityGroup").state.id]);
  });

  it("drops invalid header fields and lets only RFC-compliant requests through (no request smuggling)", () => {
    const alb = http.one(ALB).inputs;
    assert.equal(alb.dropInvalidHeaderFields, true);
    assert.equal(alb.desyncMitigationMode, "strictest");
  });

  it("keeps idle connections for the given timeout, and exposes it for the services behind it", () => {
    assert.equal(http.one(ALB).inputs.idleTimeout, 120);
    assert.equal(http.outputs.idleTimeout, 120);
  });

  it("protects itself from deletion only when asked", () => {
    assert.equal(http.one(ALB).inputs.enableDeletionProtection, false);
    assert.equal(prod.one(ALB).inputs.enableDeletionProtection, true);
  });

  it("writes no access logs unless asked", () => {
    assert.equal(http.one(ALB).inputs.accessLogs, undefined);
    assert.equal(http.resourcesOfType("aws:s3/bucket:Bucket").length, 0);
    assert.equal(http.outputs.accessLogBucket, null);
  });

  it("writes access logs to its own bucket, once the bucket is ready for ELB's test object", () => {
    const bucket = prod.one("aws:s3/bucket:Bucket");
    const alb = prod.one(ALB);
    assert.deepEqual(alb.inputs.accessLogs, { bucket: bucket.state.bucket, enabled: true });
    assert.ok(alb.options.dependsOn.includes("web-access-logs-policy"), alb.options.dependsOn.join());
    assert.equal(prod.outputs.accessLogBucket, bucket.name);
    const lifecycle = prod.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs;
    assert.ok(lifecycle.rules.some((r: any) => r.expiration?.days === 90));
    assert.equal(bucket.inputs.forceDestroy, false, "deletion protection keeps the logs");
  });

  it("exposes its main children", () => {
    const { outputs: o } = prod;
    assert.equal(o.loadBalancer, prod.one(ALB).name);
    assert.equal(o.securityGroup, prod.one("aws:ec2/securityGroup:SecurityGroup").name);
    assert.equal(
      o.listener,
      prod.resourcesOfType("aws:lb/listener:Listener").find((l) => l.inputs.port === 443)?.name,
    );
    assert.deepEqual(
      [...o.listeners].sort(),
      prod
        .resourcesOfType("aws:lb/listener:Listener")
        .map((l) => l.name)
        .sort(),
    );
    assert.equal(o.vpcId, "vpc-1");
    assert.equal(o.dnsName, prod.one(ALB).state.dnsName);
    assert.equal(o.arnSuffix, prod.one(ALB).state.arnSuffix);
  });

  describe("its URL", () => {
    it("is plain HTTP on the ALB's name without TLS", () => {
      assert.equal(http.outputs.url, `http://${http.one(ALB).state.dnsName}`);
      assert.equal(http.outputs.https, false);
    });

    it("is HTTPS on the ALB's name with only a certificate", () => {
      assert.equal(certificate.outputs.url, `https://${certificate.one(ALB).state.dnsName}`);
      assert.equal(certificate.outputs.https, true);
    });

    it("is HTTPS on the domain with a domain", () => {
      assert.equal(acm.outputs.url, "https://api.example.com");
    });
  });

  describe("its alarms", () => {
    it("are none without a topic", () => {
      assert.deepEqual(http.outputs.alarms, []);
      assert.equal(http.resourcesOfType("aws:cloudwatch/metricAlarm:MetricAlarm").length, 0);
    });

    it("watch the ALB's own 5xx answers, on this ALB, notifying the topic", () => {
      const [alarm] = prod.resourcesOfType("aws:cloudwatch/metricAlarm:MetricAlarm");
      assert.deepEqual(prod.outputs.alarms, [alarm.name]);
      assert.equal(alarm.inputs.metricName, "HTTPCode_ELB_5XX_Count");
      assert.deepEqual(alarm.inputs.dimensions, { LoadBalancer: prod.one(ALB).state.arnSuffix });
      assert.deepEqual([alarm.inputs.alarmActions, alarm.inputs.okActions], [[TOPIC], [TOPIC]]);
    });
  });

  it("has services wait for every listener and every rule of the path to the instances", () => {
    for (const e of [http, prod]) {
      const expected = [
        ...e.resourcesOfType("aws:lb/listener:Listener"),
        ...e.resourcesOfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"),
        ...e.resourcesOfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"),
      ].map((r) => r.name);
      assert.deepEqual([...e.outputs.ready].sort(), expected.sort());
    }
  });

  it("creates its children with its own provider: the region and tags given, and its class as `component`", () => {
    const provider = http.named("web-aws");
    assert.equal(provider.inputs.region, "eu-west-1");
    assert.deepEqual(JSON.parse(provider.inputs.defaultTags), {
      tags: { project: "ecs-json-api", stack: "test", component: "LoadBalancer" },
    });
    for (const child of http.resources.filter((r) => r.type.startsWith("aws:"))) {
      assert.equal(http.providerOf(child)?.name, "web-aws", child.name);
      assert.deepEqual(child.parent, { type: "ecs-json-api:service:LoadBalancer", name: "web" }, child.name);
      assert.match(child.name, /^web-/);
    }
  });

  it("honours a caller's provider and then creates none", async () => {
    const e = await runUnderMocks(() => {
      const provider = new aws.Provider("caller", { region: "us-east-1" });
      return new LoadBalancer("web", { ...BASE, accessLogs: true, alarmTopicArn: TOPIC }, { provider });
    });
    assert.deepEqual(
      e.resourcesOfType("pulumi:providers:aws").map((p) => p.name),
      ["caller"],
    );
    for (const child of e.resources.filter((r) => r.type.startsWith("aws:"))) {
      assert.equal(e.providerOf(child)?.name, "caller", child.name);
    }
  });

  it("passes the project's policy pack as a production load balancer (TLS, access logs, protection)", async () => {
    assert.deepEqual((await checkStack(prod)).violations, []);
  });
});

describe("LoadBalancer with a test listener, for managed deployments", () => {
  let e: Evaluation;
  const VPC_CIDR = "10.0.0.0/16";
  before(async () => {
    e = await runUnderMocks(() => {
      const lb = new LoadBalancer("web", { ...BASE, testListenerPort: 9000, vpcCidrBlock: VPC_CIDR });
      return {
        testListener: lb.testListener ? nameOf(lb.testListener) : null,
        testListenerPort: lb.testListenerPort,
        infrastructureRoleArn: lb.infrastructureRoleArn,
        ready: lb.ready.map(nameOf),
      };
    });
  });

  it("listens for test traffic on its own port, routing nothing by itself (each service adds its test rule)", () => {
    const test = e.named("web-test");
    assert.deepEqual([test.inputs.port, test.inputs.protocol], [9000, "HTTP"]);
    assert.equal(test.inputs.defaultActions[0].type, "fixed-response");
    assert.equal(e.outputs.testListener, "web-test");
    assert.ok(e.outputs.ready.includes("web-test"), "services wait for it");
  });

  it("admits test traffic from inside the VPC only, never from anywhere", () => {
    const rules = e
      .resourcesOfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .filter((r) => r.inputs.fromPort === 9000);
    assert.deepEqual(
      rules.map((r) => [r.inputs.cidrIpv4, r.inputs.toPort]),
      [[VPC_CIDR, 9000]],
    );
  });

  it("gives ECS a role to shift traffic with: trusted by ECS for this account, with AWS's policy for it", () => {
    const role = e.named("web-ecs-infrastructure-role");
    const trust = JSON.parse(role.inputs.assumeRolePolicy);
    assert.deepEqual(trust.Statement[0].Principal, { Service: "ecs.amazonaws.com" });
    assert.deepEqual(trust, serviceTrustPolicy("ecs.amazonaws.com", ACCOUNT_ID));
    const attachment = e.named("web-ecs-infrastructure-policy");
    assert.equal(
      attachment.inputs.policyArn,
      "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers",
    );
    assert.equal(e.outputs.infrastructureRoleArn, role.state.arn);
  });

  it("refuses a production port, and a test listener without the VPC's CIDR to admit", () => {
    assert.deepEqual(loadBalancerArgsProblems({ testListenerPort: 443, vpcCidrBlock: VPC_CIDR }), [
      "testListenerPort = 443 is a production port; choose another",
    ]);
    assert.deepEqual(loadBalancerArgsProblems({ testListenerPort: 9000 }), [
      "testListenerPort = 9000 needs vpcCidrBlock, the only source it admits",
    ]);
  });

  it("makes neither without a test port", async () => {
    const plain = await evaluate();
    assert.equal(plain.resourcesOfType("aws:iam/role:Role").length, 0);
    assert.equal(plain.resourcesOfType("aws:lb/listener:Listener").length, 1);
  });
});
