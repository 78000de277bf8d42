/** The result of evaluating a program or a component under mocks, with the queries tests and tools share. */
import type { RecordedInvoke, RecordedResource } from "./mocks";

export class Evaluation {
  constructor(
    /** The stack the evaluation ran as. */
    readonly stack: string,
    /** Every registered resource, in registration order. */
    readonly resources: RecordedResource[],
    /** Every invoke, in call order. */
    readonly invokes: RecordedInvoke[],
    /** The program's stack outputs (its module exports), resolved. */
    readonly outputs: Record<string, any>,
  ) {}

  /** Every resource of the given type token. */
  resourcesOfType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The single resource of a type; throws when there are none or several. */
  one(type: string): RecordedResource {
    const found = this.resourcesOfType(type);
    if (found.length !== 1) {
      throw new Error(
        `expected exactly one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`,
      );
    }
    return found[0];
  }

  /** The resource with this logical name (and type, when names repeat across types); throws when absent. */
  named(name: string, type?: string): RecordedResource {
    const found = this.resources.filter((r) => r.name === name && (type === undefined || r.type === type));
    if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}`);
    return found[0];
  }

  /** The direct children of a resource. */
  childrenOf(parent: RecordedResource): RecordedResource[] {
    return this.resources.filter((r) => r.parent?.type === parent.type && r.parent?.name === parent.name);
  }

  /** Counts of resources per type token, sorted by type. */
  countsByType(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Invokes with this token. */
  invokesOf(token: string): RecordedInvoke[] {
    return this.invokes.filter((i) => i.token === token);
  }

  /** The provider resource a resource was registered with (an explicit provider), if any. */
  providerOf(resource: RecordedResource): RecordedResource | undefined {
    if (!resource.provider) return undefined;
    const urn = resource.provider.split("::").slice(0, -1).join("::");
    const name = urn.split("::").pop();
    return this.resources.find((r) => r.type.startsWith("pulumi:providers:") && r.name === name);
  }

  /** A plain-data copy, for sending across processes. */
  toJSON(): SerializedEvaluation {
    return { stack: this.stack, resources: this.resources, invokes: this.invokes, outputs: this.outputs };
  }

  static fromJSON(data: SerializedEvaluation): Evaluation {
    return new Evaluation(data.stack, data.resources, data.invokes, data.outputs);
  }
}

export interface SerializedEvaluation {
  stack: string;
  resources: RecordedResource[];
  invokes: RecordedInvoke[];
  outputs: Record<string, any>;
}
