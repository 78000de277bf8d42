/** Monitoring: the alarm topic and who hears it. Arguments pure, the component under mocks. */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { ArgumentError, valueProblems } from "../../components/args";
import {
  MONITORING_ARGS,
  Monitoring,
  type MonitoringArgs,
  monitoringArgsProblems,
} from "../../components/monitoring";
import { type Evaluation, runUnderMocks } from "../../lib/harness";
import { checkStack } from "../../lib/policy";

const TAGS = { project: "ecs-json-api", stack: "test" };
const TOPIC = "aws:sns/topic:Topic";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";

function evaluate(args: MonitoringArgs): Promise<Evaluation> {
  return runUnderMocks(() => {
    const m = new Monitoring("alerts", { tags: TAGS, ...args });
    return { alarmTopicArn: m.alarmTopicArn, topic: (m.topic as unknown as { __name: string }).__name };
  });
}

describe("monitoringArgsProblems", () => {
  it("has a default that passes its own rule", () => {
    assert.deepEqual(valueProblems("alarmEmail", MONITORING_ARGS.alarmEmail, ""), []);
    assert.deepEqual(monitoringArgsProblems({}), []);
  });

  it("accepts an e-mail address and refuses what is not one, named through the label", () => {
    assert.deepEqual(monitoringArgsProblems({ alarmEmail: "ops@example.com" }), []);
    for (const bad of ["ops", "ops@example", "ops @example.com", "@example.com"]) {
      assert.deepEqual(
        monitoringArgsProblems({ alarmEmail: bad }, (arg) => `ecs-json-api:${arg}`),
        [`ecs-json-api:alarmEmail = "${bad}" is not allowed; expected an e-mail address`],
      );
    }
  });
});

describe("Monitoring", () => {
  let silent: Evaluation;
  let heard: Evaluation;
  before(async () => {
    silent = await evaluate({});
    heard = await evaluate({ alarmEmail: "ops@example.com" });
  });

  it("creates the one topic every alarm notifies, and exposes it", () => {
    const topic = silent.one(TOPIC);
    assert.equal(silent.outputs.alarmTopicArn, topic.state.arn);
    assert.equal(silent.outputs.topic, topic.name);
  });

  it("leaves the topic without a KMS key, which CloudWatch could not publish through", () => {
    assert.equal(silent.one(TOPIC).inputs.kmsMasterKeyId, undefined);
  });

  it("subscribes nobody without an address", () => {
    assert.equal(silent.resourcesOfType(SUBSCRIPTION).length, 0);
  });

  it("subscribes the address by e-mail to the topic", () => {
    const sub = heard.one(SUBSCRIPTION).inputs;
    assert.deepEqual(
      [sub.topic, sub.protocol, sub.endpoint],
      [heard.one(TOPIC).state.arn, "email", "ops@example.com"],
    );
  });

  it("creates its children with its own provider, tagged with its class", () => {
    assert.deepEqual(JSON.parse(heard.named("alerts-aws").inputs.defaultTags), {
      tags: { ...TAGS, component: "Monitoring" },
    });
    for (const r of heard.resources.filter((x) => x.type.startsWith("aws:"))) {
      assert.equal(heard.providerOf(r)?.name, "alerts-aws", r.name);
      assert.match(r.name, /^alerts-/);
    }
  });

  it("honours a caller's provider", async () => {
    const e = await runUnderMocks(() => {
      const provider = new aws.Provider("caller", { region: "eu-west-1" });
      new Monitoring("alerts", { alarmEmail: "ops@example.com" }, { provider });
    });
    assert.deepEqual(
      e.resourcesOfType("pulumi:providers:aws").map((p) => p.name),
      ["caller"],
    );
    for (const r of e.resources.filter((x) => x.type.startsWith("aws:"))) {
      assert.equal(e.providerOf(r)?.name, "caller", r.name);
    }
  });

  it("fails the program on an invalid address", async () => {
    await assert.rejects(
      runUnderMocks(() => new Monitoring("alerts", { alarmEmail: "ops" })),
      (err: unknown) =>
        err instanceof ArgumentError &&
        err.message === 'Monitoring: alarmEmail = "ops" is not allowed; expected an e-mail address',
    );
  });

  it("passes the project's policy pack", async () => {
    assert.deepEqual((await checkStack(heard)).violations, []);
  });
});
