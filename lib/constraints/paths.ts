/**
 * Input paths: `a.b` selects a property, `a[]` every element of a list (`[]` alone: every element of a root list).
 * `select` resolves a path to the values it names, with concrete paths (`rules[0].id`) for the report;
 * `leafPaths` lists the normalized paths of every value set in an object, for the coverage test.
 */

export interface Selected {
  /** The concrete path, with indices. */
  path: string;
  value: unknown;
}

interface Segment {
  key: string;
  each: boolean;
}

function parse(path: string): Segment[] {
  return path.split(".").map((part) => {
    const each = part.endsWith("[]");
    return { key: each ? part.slice(0, -2) : part, each };
  });
}

const join = (prefix: string, key: string) => (prefix && key ? `${prefix}.${key}` : prefix || key);

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Every value `path` names under `root` that is set (not undefined or null). */
export function select(root: unknown, path: string): Selected[] {
  let current: Selected[] = [{ path: "", value: root }];
  for (const { key, each } of parse(path)) {
    const next: Selected[] = [];
    for (const { path: at, value } of current) {
      let child: unknown = value;
      let childPath = at;
      if (key) {
        if (!isObject(value) || !(key in value)) continue;
        child = value[key];
        childPath = join(at, key);
      }
      if (child === undefined || child === null) continue;
      if (each) {
        if (!Array.isArray(child)) {
          next.push({ path: childPath, value: child });
          continue;
        }
        child.forEach((element, i) => {
          if (element !== undefined && element !== null)
            next.push({ path: `${childPath}[${i}]`, value: element });
        });
      } else {
        next.push({ path: childPath, value: child });
      }
    }
    current = next;
  }
  return current;
}

/** The concrete path with its indices replaced by `[]`: `rules[0].id` -> `rules[].id`. */
export const normalize = (path: string) => path.replace(/\[\d+\]/g, "[]");

/**
 * The normalized path of every leaf set under `root`: strings, numbers, booleans, and empty lists and objects.
 * `stop(path)` returning true treats the value at `path` as a leaf (a map whose keys are data).
 */
export function leafPaths(root: unknown, stop: (path: string) => boolean = () => false): Set<string> {
  const out = new Set<string>();
  const walk = (value: unknown, path: string) => {
    if (value === undefined || value === null) return;
    if (path && stop(path)) {
      out.add(path);
      return;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) out.add(`${path}[]`);
      for (const element of value) walk(element, `${path}[]`);
      return;
    }
    if (isObject(value)) {
      const keys = Object.keys(value);
      if (keys.length === 0 && path) out.add(path);
      for (const key of keys) walk(value[key], join(path, key));
      return;
    }
    out.add(path);
  };
  walk(root, "");
  return out;
}
