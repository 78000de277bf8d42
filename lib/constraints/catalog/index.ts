/**
 * The constraint catalog: every resource type the program and the bootstrap create (and the few the program is
 * about to create), keyed by Pulumi type token.
 */
import type { TypeConstraints } from "../model";
import { APP_AUTO_SCALING } from "./appAutoScaling";
import { AUTO_SCALING_GROUP } from "./autoScalingGroup";
import { DNS } from "./dns";
import { EC2 } from "./ec2";
import { ECS } from "./ecs";
import { ECS_SERVICE } from "./ecsService";
import { ECS_TASK_DEFINITION } from "./ecsTaskDefinition";
import { IAM } from "./iam";
import { KMS } from "./kms";
import { LB } from "./lb";
import { LISTENERS } from "./listeners";
import { MISC } from "./misc";
import { MONITORING } from "./monitoring";
import { REGISTRY } from "./registry";
import { SECURITY_GROUPS } from "./securityGroups";
import { SNS } from "./sns";
import { STORAGE } from "./storage";

export const CATALOG: Readonly<Record<string, TypeConstraints>> = Object.freeze({
  ...SECURITY_GROUPS,
  ...EC2,
  ...LB,
  ...LISTENERS,
  ...ECS,
  ...ECS_SERVICE,
  ...ECS_TASK_DEFINITION,
  ...IAM,
  ...MONITORING,
  ...SNS,
  ...KMS,
  ...STORAGE,
  ...REGISTRY,
  ...DNS,
  ...AUTO_SCALING_GROUP,
  ...APP_AUTO_SCALING,
  ...MISC,
});
