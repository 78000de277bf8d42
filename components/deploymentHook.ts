/**
 * DeploymentHook: the Lambda function ECS invokes before production traffic moves to a new revision
 * (hooks/smokeTest.ts), and the role ECS invokes it with. One per stack; each service passes its own checks as
 * the hook's details.
 *
 * The function runs in the VPC's private subnets (it reaches the load balancer's private addresses on the test
 * listener, which admits only the VPC) with a security group that lets it out to that port inside the VPC and
 * to HTTPS (the EC2 API, through NAT), and nothing in. Its role may write its own log group and manage its
 * network interfaces (AWS's AWSLambdaVPCAccessExecutionRole, which Lambda needs to place a function in a VPC)
 * and nothing else; the role ECS assumes may invoke this function only.
 *
 * The program packages the function itself: TypeScript's transpiler turns the one source file into CommonJS, so
 * the archive holds exactly that file, and the Lambda runtime provides the AWS SDK it uses.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn, PROGRAM_MANAGED_POLICIES, programRole } from "./iam";
import { logRetentionDays } from "./logRetention";
import type { NetworkRef } from "./network";
import { type CommonArgs, componentProvider } from "./provider";

/** The hook's source file. */
export const HOOK_SOURCE = path.resolve(__dirname, "..", "hooks", "smokeTest.ts");

/** The Lambda runtime: the Node the services run on. */
export const HOOK_RUNTIME = "nodejs24.x";

/** Seconds the function may run: 5 attempts (5 s each, 3 s apart) of 3 checks on up to 3 addresses is 360 s. */
export const HOOK_TIMEOUT_SECONDS = 420;

/** The hook's source, transpiled to CommonJS for the Lambda runtime. */
export function hookCode(source = HOOK_SOURCE): string {
  // Loaded on demand: only stacks with a managed deployment package the hook.
  const ts = require("typescript") as typeof import("typescript");
  const out = ts.transpileModule(readFileSync(source, "utf8"), {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
    reportDiagnostics: true,
    fileName: path.basename(source),
  });
  const errors = out.diagnostics?.filter((d) => d.category === ts.DiagnosticCategory.Error) ?? [];
  if (errors.length > 0) {
    throw new Error(
      `DeploymentHook: ${source} does not transpile: ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")).join("; ")}`,
    );
  }
  return out.outputText;
}

/** What the execution role's managed policy grants for Lambda's sake, denied to the function's own code. */
export const FUNCTION_CODE_DENIED = [
  "ec2:CreateNetworkInterface",
  "ec2:DeleteNetworkInterface",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
] as const;

export interface DeploymentHookArgs extends CommonArgs {
  /** The network: the function runs in its private subnets and reaches the test listener inside its VPC. */
  network: Pick<NetworkRef, "vpcId" | "vpcCidrBlock" | "privateSubnetIds" | "defaultSecurityGroupId">;
  /** The test listener's port, the only one the function connects to inside the VPC. */
  testListenerPort: number;
  /** Retention of the function's logs, in days. Defaults to 7. */
  logRetentionDays?: number;
  /** Permissions boundary of both roles. Defaults to none. */
  permissionsBoundary?: pulumi.Input<string>;
}

/** The smoke-test function and the role ECS invokes it with. */
export class DeploymentHook extends pulumi.ComponentResource {
  /** The function. */
  readonly function: aws.lambda.Function;
  /** Its security group. */
  readonly securityGroup: aws.ec2.SecurityGroup;
  /** The function's ARN, the hook's target. */
  readonly functionArn: pulumi.Output<string>;
  /** The role ECS assumes to invoke the function. */
  readonly invokeRoleArn: pulumi.Output<string>;
  /** The function's log group. */
  readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: DeploymentHookArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-json-api:deployment:DeploymentHook", name, {}, opts);
    const retention = args.logRetentionDays ?? logRetentionDays.default;
    if (!(logRetentionDays.oneOf as readonly number[]).includes(retention)) {
      throw new Error(`DeploymentHook: logRetentionDays = ${retention} is not a CloudWatch Logs retention`);
    }
    const provider = componentProvider(this, name, "DeploymentHook", args, opts);
    const o = { parent: this, provider };
    const accountId = aws.getCallerIdentityOutput({}, o).accountId;
    const partition = aws.getPartitionOutput({}, o).partition;

    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: retention }, o);
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.network.vpcId,
        description: "Deployment smoke test: out to the test listener and HTTPS only",
      },
      o,
    );
    const egress = [
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-to-test-listener`,
        {
          securityGroupId: securityGroup.id,
          ipProtocol: "tcp",
          fromPort: args.testListenerPort,
          toPort: args.testListenerPort,
          cidrIpv4: args.network.vpcCidrBlock,
          description: "To the test listener of the load balancer inside the VPC",
        },
        o,
      ),
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-https`,
        {
          securityGroupId: securityGroup.id,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: "0.0.0.0/0",
          description: "HTTPS to the EC2 API, to find the load balancer addresses",
        },
        o,
      ),
    ];

    const role = programRole(
      `${name}-role`,
      {
        description: "The deployment smoke test: writes its logs, finds the load balancer addresses",
        service: "lambda.amazonaws.com",
        accountId,
        permissionsBoundary: args.permissionsBoundary,
      },
      o,
    );
    const logPolicy = new aws.iam.RolePolicy(
      `${name}-write-logs`,
      {
        role: role.name,
        policy: logGroup.arn.apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "WriteOwnLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: `${arn}:log-stream:*`,
              },
              {
                // AWSLambdaVPCAccessExecutionRole grants these on "*" for Lambda to manage the function's network
                // interfaces. Lambda's own EC2 calls for a VPC function carry no lambda:SourceFunctionArn; calls
                // from the function's code do (Lambda developer guide, permissions-source-function-arn), so this
                // denies them to the code only: it may describe, never change, anyone's network interfaces.
                Sid: "NoNetworkInterfaceChangesFromTheCode",
                Effect: "Deny",
                Action: [...FUNCTION_CODE_DENIED],
                Resource: "*",
                Condition: { Null: { "lambda:SourceFunctionArn": "false" } },
              },
              {
                // The same managed policy lets the role write any log group. Lambda's log delivery for the
                // function carries the key too, so this is not conditioned on it: no writes outside its group.
                Sid: "NoLogsElsewhere",
                Effect: "Deny",
                Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                NotResource: [arn, `${arn}:*`],
              },
            ],
          } satisfies aws.iam.PolicyDocument),
        ),
      },
      o,
    );
    // Lambda creates, describes and deletes the function's network interfaces with this role; the function
    // itself only describes the load balancer's (ec2:DescribeNetworkInterfaces, which takes no resource).
    const vpcAccess = new aws.iam.RolePolicyAttachment(
      `${name}-vpc-access`,
      {
        role: role.name,
        policyArn: partition.apply((p) => managedPolicyArn(p, PROGRAM_MANAGED_POLICIES.lambdaVpcAccess)),
      },
      o,
    );

    const fn = new aws.lambda.Function(
      `${name}-function`,
      {
        description:
          "Smoke-tests a new service revision through the test listener before production traffic moves",
        runtime: HOOK_RUNTIME,
        architectures: ["arm64"],
        handler: "index.handler",
        code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(hookCode()) }),
        role: role.arn,
        timeout: HOOK_TIMEOUT_SECONDS,
        memorySize: 128,
        vpcConfig: { subnetIds: args.network.privateSubnetIds, securityGroupIds: [securityGroup.id] },
        // Lambda releases a function's network interfaces minutes after the function is deleted, and its group
        // cannot be deleted while they hold it (terraform-provider-aws #10329): before deletion they move to the
        // VPC's default group (no rules), which is never deleted, so the smoke test's group goes at once.
        replaceSecurityGroupsOnDestroy: true,
        replacementSecurityGroupIds: [args.network.defaultSecurityGroupId],
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      },
      // The function must be able to log and to reach the VPC from its first invocation.
      { ...o, dependsOn: [logPolicy, vpcAccess, ...egress] },
    );

    const invokeRole = programRole(
      `${name}-invoke-role`,
      {
        description: "Lets ECS invoke the deployment smoke test",
        service: "ecs.amazonaws.com",
        accountId,
        permissionsBoundary: args.permissionsBoundary,
      },
      o,
    );
    const invokePolicy = new aws.iam.RolePolicy(
      `${name}-invoke`,
      {
        role: invokeRole.name,
        policy: fn.arn.apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Sid: "InvokeSmokeTest", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: arn },
            ],
          } satisfies aws.iam.PolicyDocument),
        ),
      },
      o,
    );

    this.function = fn;
    this.securityGroup = securityGroup;
    this.functionArn = fn.arn;
    // A service names the role only once it may invoke the function.
    this.invokeRoleArn = pulumi.all([invokeRole.arn, invokePolicy.id]).apply(([arn]) => arn);
    this.logGroupName = logGroup.name;
    this.registerOutputs({
      functionArn: this.functionArn,
      invokeRoleArn: this.invokeRoleArn,
      logGroupName: this.logGroupName,
    });
  }
}
