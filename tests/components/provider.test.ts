/**
 * components/provider.ts: which AWS provider a component's children use. A probe component (one child) shows the
 * rule in isolation; a fresh small program then uses the real components with a provider of its own, the way a
 * caller outside this project would.
 */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { EcsCluster } from "../../components/ecsCluster";
import { JsonBucket } from "../../components/jsonBucket";
import { Network } from "../../components/network";
import { type CommonArgs, componentProvider } from "../../components/provider";
import { type Evaluation, type RecordedResource, runUnderMocks } from "../../lib/harness";

/** A component with one AWS child, whose provider is what componentProvider returns. */
class Probe extends pulumi.ComponentResource {
  readonly provider: aws.Provider;
  constructor(name: string, common: CommonArgs, opts?: pulumi.ComponentResourceOptions) {
    super("test:probe:Probe", name, {}, opts);
    this.provider = componentProvider(this, name, "Probe", common, opts);
    new aws.sns.Topic(`${name}-topic`, {}, { parent: this, provider: this.provider });
    this.registerOutputs({});
  }
}

const providers = (e: Evaluation) => e.resources.filter((r) => r.type === "pulumi:providers:aws");
const topicProvider = (e: Evaluation) => e.providerOf(e.one("aws:sns/topic:Topic"))?.name;

describe("components/provider", () => {
  describe("with no provider from the caller", () => {
    let evaluation: Evaluation;
    before(async () => {
      evaluation = await runUnderMocks(
        () => new Probe("probe", { region: "eu-central-1", tags: { stack: "test", owner: "team" } }),
      );
    });

    it("creates one provider, `<name>-aws`, as the component's child, and registers the children with it", () => {
      const [provider] = providers(evaluation);
      assert.equal(providers(evaluation).length, 1);
      assert.equal(provider.name, "probe-aws");
      assert.deepEqual(provider.parent, { type: "test:probe:Probe", name: "probe" });
      assert.equal(topicProvider(evaluation), "probe-aws");
    });

    it("puts it in the given region", () => {
      assert.equal(providers(evaluation)[0].inputs.region, "eu-central-1");
    });

    it("tags every taggable child with the caller's tags and the component's class", () => {
      assert.deepEqual(JSON.parse(providers(evaluation)[0].inputs.defaultTags), {
        tags: { stack: "test", owner: "team", component: "Probe" },
      });
    });

    it("lets the component's own class name win over a `component` tag the caller passes", async () => {
      const e = await runUnderMocks(() => new Probe("probe", { tags: { component: "Other" } }));
      assert.deepEqual(JSON.parse(providers(e)[0].inputs.defaultTags), { tags: { component: "Probe" } });
    });

    it("sets no region of its own when none is given, so aws:region applies", async () => {
      const e = await runUnderMocks(() => new Probe("probe", {}));
      assert.equal(providers(e)[0].inputs.region, process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION);
    });

    it("gives two instances two providers, named after each", async () => {
      const e = await runUnderMocks(() => {
        new Probe("one", {});
        new Probe("two", {});
      });
      assert.deepEqual(
        providers(e).map((p) => p.name),
        ["one-aws", "two-aws"],
      );
    });
  });

  describe("with a provider from the caller", () => {
    /** Runs `make` (given the caller's AWS provider) and returns the evaluation. */
    const withCallerProvider = (make: (p: aws.Provider) => void) =>
      runUnderMocks(() => {
        const p = new aws.Provider("callers", {
          region: "eu-west-1",
          defaultTags: { tags: { owner: "caller" } },
        });
        make(p);
      });

    const forms: [string, (p: aws.Provider) => pulumi.ComponentResourceOptions][] = [
      ["as `provider`", (p) => ({ provider: p })],
      ["in a `providers` map", (p) => ({ providers: { aws: p } })],
      [
        "in a `providers` list beside another package's",
        (p) => ({ providers: [new docker.Provider("d", {}), p] }),
      ],
    ];
    for (const [how, opts] of forms) {
      it(`uses the caller's provider passed ${how} and creates none`, async () => {
        const e = await withCallerProvider(
          (p) => new Probe("probe", { region: "us-east-1", tags: { a: "b" } }, opts(p)),
        );
        assert.deepEqual(
          providers(e).map((r) => r.name),
          ["callers"],
        );
        assert.equal(topicProvider(e), "callers");
      });
    }

    it("uses an AWS provider inherited from the component's parent, as Pulumi's own resources do", async () => {
      const e = await withCallerProvider((p) => {
        const outer = new pulumi.ComponentResource(
          "test:outer:Outer",
          "outer",
          {},
          { providers: { aws: p } },
        );
        new Probe("probe", {}, { parent: outer });
      });
      assert.deepEqual(
        providers(e).map((r) => r.name),
        ["callers"],
      );
      assert.equal(topicProvider(e), "callers");
    });

    it("does not mistake another package's provider for an AWS one, and creates its own", async () => {
      const e = await runUnderMocks(() => new Probe("probe", {}, { provider: new docker.Provider("d", {}) }));
      assert.equal(topicProvider(e), "probe-aws");
    });
  });

  describe("a fresh small program using the components with a provider of its own", () => {
    // What a caller outside this project writes: its own provider (its region, its tags), the components
    // wired by typed references, no stack config. The mock cloud answers as the provider's region.
    let evaluation: Evaluation;
    /** `providers` each component resource was constructed with, read by a stack transformation. */
    const componentProviders = new Map<string, string[]>();
    before(async () => {
      evaluation = await runUnderMocks(
        () => {
          pulumi.runtime.registerStackTransformation(({ type, name, opts }) => {
            if (!type.startsWith("aws:") && !type.startsWith("pulumi:")) {
              const given = (opts as pulumi.ComponentResourceOptions).providers;
              const list = Array.isArray(given) ? given : Object.values(given ?? {});
              componentProviders.set(
                `${type} ${name}`,
                list.map((p) => (p as unknown as { __name: string }).__name),
              );
            }
            return undefined;
          });
          const provider = new aws.Provider("payments", {
            region: "ap-southeast-2",
            defaultTags: { tags: { team: "payments", costCentre: "42" } },
          });
          const network = new Network("pay-net", { region: "ap-southeast-2" }, { provider });
          const documents = new JsonBucket("pay-docs", { bucketEncryption: "sse-kms" }, { provider });
          const cluster = new EcsCluster("pay-cluster", { network, instanceType: "t4g.small" }, { provider });
          return {
            vpcId: network.vpcId,
            clusterName: cluster.clusterName,
            capacityProviderName: cluster.capacityProviderName,
            readPolicy: documents.readPolicy,
          };
        },
        { config: { "aws:region": "ap-southeast-2" } },
      );
    });

    const awsResources = () =>
      evaluation.resources.filter((r: RecordedResource) => r.type.startsWith("aws:"));

    it("registers every AWS resource of every component with the program's provider", () => {
      assert.ok(awsResources().length > 20);
      const others = awsResources().filter((r) => evaluation.providerOf(r)?.name !== "payments");
      assert.deepEqual(
        others.map((r) => r.name),
        [],
      );
    });

    it("hands the program's provider to the awsx VPC inside the network", () => {
      assert.deepEqual(componentProviders.get("awsx:ec2:Vpc pay-net-vpc"), ["payments"]);
    });

    it("creates no provider of its own: the caller's tags and region are the only ones", () => {
      assert.deepEqual(
        providers(evaluation).map((p) => p.name),
        ["payments"],
      );
    });

    it("builds region-specific names from the provider's region", () => {
      const vpc = evaluation.one("awsx:ec2:Vpc");
      assert.deepEqual(
        vpc.inputs.vpcEndpointSpecs.map((s: { serviceName: string }) => s.serviceName),
        ["com.amazonaws.ap-southeast-2.s3"],
      );
      const decrypt = evaluation.outputs.readPolicy.Statement.find(
        (s: { Sid: string }) => s.Sid === "DecryptDocuments",
      );
      assert.deepEqual(decrypt.Condition, {
        StringEquals: { "kms:ViaService": "s3.ap-southeast-2.amazonaws.com" },
      });
    });

    it("wires the components together through their typed references", () => {
      const asg = evaluation.one("aws:autoscaling/group:Group");
      const sg = evaluation.one("aws:ec2/securityGroup:SecurityGroup");
      assert.equal(sg.inputs.vpcId, evaluation.outputs.vpcId);
      assert.equal(asg.inputs.vpcZoneIdentifiers.length, 2);
      assert.ok(asg.inputs.vpcZoneIdentifiers.every((id: string) => id.startsWith("subnet-private-")));
      assert.equal(evaluation.outputs.clusterName, evaluation.one("aws:ecs/cluster:Cluster").state.name);
    });
  });
});
