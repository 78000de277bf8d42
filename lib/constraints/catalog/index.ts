/**
 * The constraint catalog: every resource type the program and the bootstrap create (and the few the program is
 * about to create), keyed by Pulumi type token.
 */
import type { TypeConstraints } from "../model";
import { DNS } from "./dns";
import { EC2 } from "./ec2";
import { ECS } from "./ecs";
import { IAM } from "./iam";
import { LB } from "./lb";
import { MISC } from "./misc";
import { MONITORING } from "./monitoring";
import { REGISTRY } from "./registry";
import { SCALING } from "./scaling";
import { STORAGE } from "./storage";

export const CATALOG: Readonly<Record<string, TypeConstraints>> = Object.freeze({
  ...EC2,
  ...LB,
  ...ECS,
  ...IAM,
  ...MONITORING,
  ...STORAGE,
  ...REGISTRY,
  ...DNS,
  ...SCALING,
  ...MISC,
});
