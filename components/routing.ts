/**
 * Which requests the shared ALB sends to which service: each service names its paths and/or hosts, and the
 * program assigns listener rule priorities deterministically, most specific first, and refuses two services
 * that claim the same requests. A service that names neither takes every request no other rule matches (`/*`,
 * evaluated last); at most one service may.
 *
 * Limits (ELB user guide, "Listener rules for your Application Load Balancer", condition types and quotas): a
 * path pattern is at most 128 characters of A-Z, a-z, 0-9, _ - . $ / ~ " ' @ : + and the wildcards * and ?,
 * starting with '/'; a host is at most 128 characters of A-Z, a-z, 0-9, - . and the wildcards; a rule holds at
 * most 5 condition values in all; priorities run from 1 to 50000.
 */

/** Which requests a service takes. */
export interface RouteSpec {
  /** Path patterns, e.g. `/api/*`. Defaults to none (any path). */
  paths?: readonly string[];
  /** Host names, e.g. `shop.example.com`. Defaults to none (any host). */
  hosts?: readonly string[];
}

/** A service's route with its rule priority (lower is evaluated first). */
export interface Route {
  /** Path patterns; empty with no hosts means every path. */
  paths: string[];
  /** Host names; empty means any host. */
  hosts: string[];
  /** The listener rule's priority, 1 to 50000. */
  priority: number;
}

/** The first priority the program assigns, and the step between services (room to insert rules by hand). */
export const FIRST_PRIORITY = 100;
export const PRIORITY_STEP = 10;

const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+&*?]{0,127}$/;
const HOST_PATTERN = /^[A-Za-z0-9\-.*?]{1,128}$/;
/** Condition values a rule may hold in all (ELB quotas). */
export const MAX_CONDITION_VALUES = 5;

/** The characters of a pattern before its first wildcard: the longer, the more specific. */
const literalPrefix = (pattern: string) => pattern.split(/[*?]/)[0].length;
/** 1 for a pattern without `*`, which matches a bounded set of values: more specific than `*` with its prefix. */
const bounded = (pattern: string) => (pattern.includes("*") ? 0 : 1);

/**
 * How specific a route is, compared element by element: hosts before none, then the longest literal path prefix,
 * then a path without `*` before one with it (`/` before the catch-all `/*`), then literal hosts before
 * wildcard ones (`shop.example.com` before `*.example.com`). The catch-all, `/*` on any host, is last.
 */
function specificity(spec: Required<RouteSpec>): number[] {
  const paths = spec.paths.length > 0 ? spec.paths : ["/*"];
  const best = Math.max(...paths.map((p) => literalPrefix(p) * 2 + bounded(p)));
  const literalHosts = spec.hosts.length > 0 && spec.hosts.every((h) => !/[*?]/.test(h)) ? 1 : 0;
  return [spec.hosts.length > 0 ? 1 : 0, best, literalHosts];
}

/**
 * Problems with each service's route, and the routes with priorities: services ordered most specific first
 * (ties by name), priorities FIRST_PRIORITY, +PRIORITY_STEP, ... `label` names a service's setting in problems.
 */
export function planRoutes(
  services: Readonly<Record<string, RouteSpec>>,
  label: (service: string, setting: "paths" | "hosts") => string = (s, k) => `${s}.${k}`,
): { routes: Record<string, Route>; problems: string[] } {
  const problems: string[] = [];
  const specs = Object.entries(services).map(([name, s]) => ({
    name,
    spec: { paths: [...(s.paths ?? [])], hosts: [...(s.hosts ?? [])] },
  }));
  for (const { name, spec } of specs) {
    for (const p of spec.paths) {
      if (!PATH_PATTERN.test(p)) {
        problems.push(
          `${label(name, "paths")} has "${p}", not an ALB path pattern (starts with '/', at most 128 of A-Z a-z 0-9 _-.$/~"'@:+& and * ?)`,
        );
      }
    }
    for (const h of spec.hosts) {
      if (!HOST_PATTERN.test(h)) {
        problems.push(
          `${label(name, "hosts")} has "${h}", not an ALB host condition (at most 128 of A-Z a-z 0-9 -. and * ?)`,
        );
      }
    }
    const values = spec.paths.length + spec.hosts.length;
    if (values > MAX_CONDITION_VALUES) {
      problems.push(
        `${label(name, "paths")} and ${label(name, "hosts")} hold ${values} values; an ALB rule holds at most ${MAX_CONDITION_VALUES}`,
      );
    }
    for (const [setting, list] of [
      ["paths", spec.paths],
      ["hosts", spec.hosts],
    ] as const) {
      const dup = list.find((v, i) => list.indexOf(v) !== i);
      if (dup !== undefined) problems.push(`${label(name, setting)} lists "${dup}" twice`);
    }
  }
  // Two services claim the same requests when they share a host (or both name none) and a path pattern; the
  // later rule would never see those requests. One problem per pair of services and path, naming the hosts.
  const claims = new Map<string, string>();
  const overlaps = new Map<string, { first: string; second: string; path: string; hosts: string[] }>();
  for (const { name, spec } of specs) {
    for (const path of spec.paths.length > 0 ? spec.paths : ["/*"]) {
      for (const host of spec.hosts.length > 0 ? [...new Set(spec.hosts)] : ["*"]) {
        const key = `${host} ${path}`;
        const other = claims.get(key);
        if (other === undefined) claims.set(key, name);
        else if (other !== name) {
          const pair = `${other} ${name} ${path}`;
          const overlap = overlaps.get(pair) ?? { first: other, second: name, path, hosts: [] };
          overlap.hosts.push(host);
          overlaps.set(pair, overlap);
        }
      }
    }
  }
  for (const { first, second, path, hosts } of overlaps.values()) {
    const on = hosts.includes("*") ? "" : ` on ${hosts.sort().join(",")}`;
    problems.push(
      `${label(first, "paths")} and ${label(second, "paths")} both route ${path}${on}; give each service its own paths or hosts`,
    );
  }
  const ordered = [...specs].sort((a, b) => {
    const [sa, sb] = [specificity(a.spec), specificity(b.spec)];
    return sb.reduce((diff, v, i) => diff || v - sa[i], 0) || a.name.localeCompare(b.name);
  });
  const routes: Record<string, Route> = {};
  ordered.forEach(({ name, spec }, i) => {
    routes[name] = {
      paths: spec.paths.length > 0 || spec.hosts.length > 0 ? spec.paths : ["/*"],
      hosts: spec.hosts,
      priority: FIRST_PRIORITY + i * PRIORITY_STEP,
    };
  });
  return { routes, problems };
}

/** The listener rule conditions of a route. */
export function routeConditions(
  route: Route,
): { pathPattern?: { values: string[] }; hostHeader?: { values: string[] } }[] {
  return [
    ...(route.hosts.length > 0 ? [{ hostHeader: { values: route.hosts } }] : []),
    ...(route.paths.length > 0 ? [{ pathPattern: { values: route.paths } }] : []),
  ];
}

/** Whether an ALB path pattern matches a path: `*` any characters, `?` one, everything else literally. */
export function pathMatches(pattern: string, path: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`).test(path);
}

/** Whether the route sends a request for `path` (with no host, or the route's first host) to its service. */
export function routeCovers(route: Pick<Route, "paths">, path: string): boolean {
  return route.paths.some((p) => pathMatches(p, path));
}
