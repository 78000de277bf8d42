/** DeploymentHook: the packaged smoke-test function, its network, its roles, and the role ECS invokes it with. */
import * as assert from "node:assert/strict";
import * as vm from "node:vm";
import { DeploymentHook, HOOK_RUNTIME, hookCode } from "../../components/deploymentHook";
import { ACCOUNT_ID, type Evaluation, runUnderMocks } from "../../lib/harness";
import { checkStack } from "../../lib/policy";

const NETWORK = {
  vpcId: "vpc-1",
  vpcCidrBlock: "10.0.0.0/16",
  privateSubnetIds: ["subnet-a", "subnet-b"],
  defaultSecurityGroupId: "sg-default",
};
const BOUNDARY = `arn:aws:iam::${ACCOUNT_ID}:policy/ci/ecs-json-api-workload-boundary`;

describe("DeploymentHook", () => {
  let e: Evaluation;
  before(async () => {
    e = await runUnderMocks(() => {
      const hook = new DeploymentHook("hook", {
        region: "eu-west-1",
        tags: { project: "ecs-json-api", stack: "test" },
        network: NETWORK,
        testListenerPort: 9000,
        permissionsBoundary: BOUNDARY,
      });
      return { functionArn: hook.functionArn, invokeRoleArn: hook.invokeRoleArn };
    });
  });

  it("packages hooks/smokeTest.ts as one CommonJS file whose handler the Lambda runtime can call", () => {
    const module = { exports: {} as Record<string, unknown> };
    vm.runInNewContext(hookCode(), { module, exports: module.exports, require, console, setTimeout });
    assert.equal(typeof module.exports.handler, "function");
    assert.equal(typeof module.exports.makeHandler, "function");
  });

  it("runs on the services' Node, in the VPC's private subnets, long enough for every retry", () => {
    const fn = e.one("aws:lambda/function:Function").inputs;
    assert.equal(fn.runtime, HOOK_RUNTIME);
    assert.equal(fn.handler, "index.handler");
    assert.deepEqual(fn.vpcConfig.subnetIds, NETWORK.privateSubnetIds);
    // Five attempts of up to 5 s plus 3 s apart, for three checks; the addresses are checked at once: 120 s,
    // with room for the address lookup, a cold start and checks the hook's details may add.
    assert.ok(fn.timeout >= 5 * (5 + 3) * 3 * 2);
  });

  it("lets the function out only to the test listener inside the VPC and to HTTPS, and nothing in", () => {
    const egress = e
      .resourcesOfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
      .map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4])
      .sort();
    assert.deepEqual(egress, [
      [443, 443, "0.0.0.0/0"],
      [9000, 9000, NETWORK.vpcCidrBlock],
    ]);
    assert.equal(e.resourcesOfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").length, 0);
  });

  it("gives the function its own log group's streams and Lambda's VPC networking, nothing else", () => {
    const role = e.named("hook-role");
    assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal, {
      Service: "lambda.amazonaws.com",
    });
    const [statement, deny, logsDeny, ...others] = JSON.parse(
      e.named("hook-write-logs").inputs.policy,
    ).Statement;
    assert.deepEqual(others, []);
    assert.deepEqual(statement.Action, ["logs:CreateLogStream", "logs:PutLogEvents"]);
    // Lambda's VPC policy allows changing any network interface: the function's code may not.
    assert.deepEqual(
      [deny.Effect, deny.Resource, deny.Condition],
      ["Deny", "*", { Null: { "lambda:SourceFunctionArn": "false" } }],
    );
    for (const action of [
      "ec2:CreateNetworkInterface",
      "ec2:DeleteNetworkInterface",
      "ec2:UnassignPrivateIpAddresses",
    ])
      assert.ok(deny.Action.includes(action), action);
    assert.ok(
      !deny.Action.includes("ec2:DescribeNetworkInterfaces"),
      "the code finds the load balancer's addresses",
    );
    // Lambda delivers the function's logs with the function's ARN in the request: a log Deny conditioned on it
    // would silence the function. Logs are denied outside its own group instead, whoever writes.
    assert.ok(
      !deny.Action.some((a: string) => a.startsWith("logs:")),
      "the runtime's log delivery is not denied",
    );
    const group = e.named("hook-logs", "aws:cloudwatch/logGroup:LogGroup").state.arn;
    assert.deepEqual(
      [logsDeny.Effect, logsDeny.NotResource, logsDeny.Condition],
      ["Deny", [group, `${group}:*`], undefined],
    );
    assert.equal(
      statement.Resource,
      `${e.named("hook-logs", "aws:cloudwatch/logGroup:LogGroup").state.arn}:log-stream:*`,
    );
    assert.equal(
      e.named("hook-vpc-access").inputs.policyArn,
      "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
    );
  });

  it("lets ECS invoke this one function, and nothing else", () => {
    const invoke = e.named("hook-invoke-role");
    assert.deepEqual(JSON.parse(invoke.inputs.assumeRolePolicy).Statement[0].Principal, {
      Service: "ecs.amazonaws.com",
    });
    const [statement] = JSON.parse(e.named("hook-invoke").inputs.policy).Statement;
    assert.deepEqual(
      [statement.Action, statement.Resource],
      ["lambda:InvokeFunction", e.outputs.functionArn],
    );
    assert.equal(e.outputs.invokeRoleArn, invoke.state.arn);
  });

  it("moves its network interfaces to the VPC's default group before it is deleted, so its own group goes at once", () => {
    const fn = e.one("aws:lambda/function:Function").inputs;
    assert.equal(fn.replaceSecurityGroupsOnDestroy, true);
    assert.deepEqual(fn.replacementSecurityGroupIds, [NETWORK.defaultSecurityGroupId]);
  });

  it("bounds both roles by the workload boundary", () => {
    for (const role of e.resourcesOfType("aws:iam/role:Role"))
      assert.equal(role.inputs.permissionsBoundary, BOUNDARY);
  });

  it("passes the project's policy pack", async () => {
    assert.deepEqual(
      (await checkStack(e)).violations.map(
        (v: { policy: string; message: string }) => `${v.policy}: ${v.message}`,
      ),
      [],
    );
  });
});
