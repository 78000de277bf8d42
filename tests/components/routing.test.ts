/** planRoutes and routeConditions: which requests the shared ALB sends to which service. Pure functions. */
import * as assert from "node:assert/strict";
import fc from "fast-check";
import {
  FIRST_PRIORITY,
  MAX_CONDITION_VALUES,
  planRoutes,
  type Route,
  type RouteSpec,
  routeConditions,
} from "../../components/routing";

/** An ALB condition value as a regular expression: `*` any run of characters, `?` exactly one. */
function glob(pattern: string, flags = ""): RegExp {
  const body = [...pattern]
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, flags);
}

/**
 * The service an ALB sends a request to: rules in priority order, the first whose every condition matches
 * (host names case-insensitively, paths case-sensitively); undefined when none does (the listener's 404).
 */
function serviceFor(routes: Record<string, Route>, host: string, path: string): string | undefined {
  const ordered = Object.entries(routes).sort(([, a], [, b]) => a.priority - b.priority);
  for (const [service, route] of ordered) {
    const conditions = routeConditions(route);
    const matches = conditions.every(
      (c) =>
        (c.hostHeader?.values.some((h) => glob(h, "i").test(host)) ?? true) &&
        (c.pathPattern?.values.some((p) => glob(p).test(path)) ?? true),
    );
    if (matches) return service;
  }
  return undefined;
}

/** Plans routes that must have no problems. */
function plan(services: Record<string, RouteSpec>): Record<string, Route> {
  const { routes, problems } = planRoutes(services);
  assert.deepEqual(problems, []);
  return routes;
}

describe("planRoutes", () => {
  describe("sends each request to the most specific service that claims it", () => {
    const cases: [
      what: string,
      services: Record<string, RouteSpec>,
      host: string,
      path: string,
      to: string,
    ][] = [
      [
        "a longer path prefix",
        { api: { paths: ["/api/*"] }, v1: { paths: ["/api/v1/*"] } },
        "h",
        "/api/v1/x",
        "v1",
      ],
      [
        "a shorter path prefix",
        { api: { paths: ["/api/*"] }, v1: { paths: ["/api/v1/*"] } },
        "h",
        "/api/x",
        "api",
      ],
      [
        "a service naming paths, before the catch-all",
        { a: {}, web: { paths: ["/web/*"] } },
        "h",
        "/web/x",
        "web",
      ],
      [
        "the catch-all, for what no one else claims",
        { a: {}, web: { paths: ["/web/*"] } },
        "h",
        "/other",
        "a",
      ],
      ["the site root, before a catch-all named earlier", { a: {}, b: { paths: ["/"] } }, "h", "/", "b"],
      [
        "an exact path, before a wildcard of the same prefix",
        { a: { paths: ["/health*"] }, b: { paths: ["/health"] } },
        "h",
        "/health",
        "b",
      ],
      [
        "the wildcard, for the rest of its prefix",
        { a: { paths: ["/health*"] }, b: { paths: ["/health"] } },
        "h",
        "/healthz",
        "a",
      ],
      [
        "a host, before any path-only service",
        { api: { paths: ["/api/*"] }, shop: { hosts: ["shop.example.com"] } },
        "shop.example.com",
        "/api/x",
        "shop",
      ],
      [
        "a path-only service, on other hosts",
        { api: { paths: ["/api/*"] }, shop: { hosts: ["shop.example.com"] } },
        "www.example.com",
        "/api/x",
        "api",
      ],
      [
        "an exact host, before a wildcard host named earlier",
        { any: { hosts: ["*.example.com"] }, shop: { hosts: ["shop.example.com"] } },
        "shop.example.com",
        "/",
        "shop",
      ],
      [
        "a wildcard host, for its other names",
        { any: { hosts: ["*.example.com"] }, shop: { hosts: ["shop.example.com"] } },
        "www.example.com",
        "/",
        "any",
      ],
      [
        "a host and a path together",
        { site: { hosts: ["example.com"] }, docs: { hosts: ["example.com"], paths: ["/docs/*"] } },
        "example.com",
        "/docs/a",
        "docs",
      ],
    ];
    for (const [what, services, host, path, to] of cases) {
      it(`to ${what}`, () => assert.equal(serviceFor(plan(services), host, path), to));
    }
  });

  it("leaves a request no service claims to the listener's default answer", () => {
    const routes = plan({ api: { paths: ["/api/*"] }, shop: { hosts: ["shop.example.com"] } });
    assert.equal(serviceFor(routes, "www.example.com", "/other"), undefined);
  });

  it("turns a service naming neither paths nor hosts into the catch-all /*", () => {
    assert.deepEqual(plan({ api: {} }).api, { paths: ["/*"], hosts: [], priority: FIRST_PRIORITY });
  });

  it("matches a host-only service on every path (no path condition)", () => {
    const { shop } = plan({ shop: { hosts: ["shop.example.com"] } });
    assert.deepEqual(routeConditions(shop), [{ hostHeader: { values: ["shop.example.com"] } }]);
  });

  describe("refuses", () => {
    const cases: [what: string, services: Record<string, RouteSpec>, problem: string][] = [
      [
        "a path not starting with '/'",
        { api: { paths: ["api/*"] } },
        `api.paths has "api/*", not an ALB path pattern (starts with '/', at most 128 of A-Z a-z 0-9 _-.$/~"'@:+& and * ?)`,
      ],
      [
        "a path with a character the ALB rejects",
        { api: { paths: ["/a b"] } },
        `api.paths has "/a b", not an ALB path pattern (starts with '/', at most 128 of A-Z a-z 0-9 _-.$/~"'@:+& and * ?)`,
      ],
      [
        "a path over 128 characters",
        { api: { paths: [`/${"a".repeat(128)}`] } },
        `api.paths has "/${"a".repeat(128)}", not an ALB path pattern (starts with '/', at most 128 of A-Z a-z 0-9 _-.$/~"'@:+& and * ?)`,
      ],
      [
        "a host with a character the ALB rejects",
        { shop: { hosts: ["shop_1.example.com"] } },
        `shop.hosts has "shop_1.example.com", not an ALB host condition (at most 128 of A-Z a-z 0-9 -. and * ?)`,
      ],
      [
        "a host over 128 characters",
        { shop: { hosts: [`${"h".repeat(125)}.com`] } },
        `shop.hosts has "${"h".repeat(125)}.com", not an ALB host condition (at most 128 of A-Z a-z 0-9 -. and * ?)`,
      ],
      [
        "more condition values than one rule holds",
        { api: { paths: ["/a", "/b", "/c", "/d"], hosts: ["a.example.com", "b.example.com"] } },
        `api.paths and api.hosts hold 6 values; an ALB rule holds at most ${MAX_CONDITION_VALUES}`,
      ],
      ["a path listed twice", { api: { paths: ["/a", "/a"] } }, `api.paths lists "/a" twice`],
      ["a host listed twice", { api: { hosts: ["a.com", "a.com"] } }, `api.hosts lists "a.com" twice`],
      [
        "two catch-all services",
        { api: {}, web: {} },
        "api.paths and web.paths both route /*; give each service its own paths or hosts",
      ],
      [
        "two services claiming the same path",
        { api: { paths: ["/x/*"] }, web: { paths: ["/y", "/x/*"] } },
        "api.paths and web.paths both route /x/*; give each service its own paths or hosts",
      ],
      [
        "two services claiming the same path on the same hosts",
        {
          api: { hosts: ["b.com", "a.com"], paths: ["/x"] },
          web: { hosts: ["a.com", "b.com"], paths: ["/x"] },
        },
        "api.paths and web.paths both route /x on a.com,b.com; give each service its own paths or hosts",
      ],
      [
        "two services claiming the same path on a host they share",
        { api: { hosts: ["a.com", "b.com"] }, web: { hosts: ["b.com"] } },
        "api.paths and web.paths both route /* on b.com; give each service its own paths or hosts",
      ],
    ];
    for (const [what, services, problem] of cases) {
      it(what, () => assert.deepEqual(planRoutes(services).problems, [problem]));
    }
  });

  it("accepts the longest path and host the ALB does (128 characters)", () => {
    plan({ api: { paths: [`/${"a".repeat(127)}`] }, shop: { hosts: [`${"h".repeat(124)}.com`] } });
  });

  it("accepts every character the ALB documents for a path pattern", () => {
    plan({ api: { paths: [`/AZaz09_-.$/~"'@:+&*?`] } });
  });

  it("reports every problem at once, naming each setting through the label", () => {
    const { problems } = planRoutes(
      { api: { paths: ["x"] }, web: { hosts: ["a_b"] } },
      (service, setting) => `${service}:${setting}!`,
    );
    assert.deepEqual(problems, [
      `api:paths! has "x", not an ALB path pattern (starts with '/', at most 128 of A-Z a-z 0-9 _-.$/~"'@:+& and * ?)`,
      `web:hosts! has "a_b", not an ALB host condition (at most 128 of A-Z a-z 0-9 -. and * ?)`,
    ]);
  });

  describe("priorities (property-based)", () => {
    /** A path of up to three literal segments, optionally ending in a wildcard. */
    const pathArb = fc
      .tuple(
        fc.array(fc.stringMatching(/^[a-z0-9]{1,5}$/), { maxLength: 3 }),
        fc.constantFrom("", "/*", "*", "?"),
      )
      // No segments: the site root "/" or "/?" ("/*" is the catch-all's).
      .map(([segments, tail]) =>
        segments.length === 0 ? (tail === "?" ? "/?" : "/") : `/${segments.join("/")}${tail}`,
      );
    const hostsArb = fc.subarray(["a.example.com", "*.example.com", "shop.test"], { maxLength: 2 });
    /**
     * Services with valid routes that never claim the same requests: every path is used once, hosts are drawn
     * freely (a service claims its paths only on its own hosts), and optionally a host-only service (every path
     * on its own host) and the catch-all.
     */
    const servicesArb = fc
      .uniqueArray(pathArb, { maxLength: 30 })
      .chain((paths) =>
        fc.tuple(
          fc.constant(paths),
          fc.array(hostsArb, { minLength: paths.length, maxLength: paths.length }),
          fc.boolean(),
          fc.boolean(),
        ),
      )
      .map(([paths, hosts, withHostOnly, withCatchAll]) => {
        const services: Record<string, RouteSpec> = {};
        paths.forEach((path, i) => {
          services[`s${i}`] = { paths: [path], hosts: hosts[i] };
        });
        if (withHostOnly) services.host = { hosts: ["only.example.org"] };
        if (withCatchAll) services.all = {};
        return services;
      });

    /** The service's names in rule order. */
    const inOrder = (routes: Record<string, Route>) =>
      Object.entries(routes)
        .sort(([, a], [, b]) => a.priority - b.priority)
        .map(([name, route]) => ({ name, ...route }));
    const literalPrefix = (p: string) => p.split(/[*?]/)[0].length;
    const longestPrefix = (route: Route) =>
      Math.max(...(route.paths.length ? route.paths : ["/*"]).map(literalPrefix));

    it("gives every service a distinct priority within the ALB's 1-50000", () => {
      fc.assert(
        fc.property(servicesArb, (services) => {
          const { routes, problems } = planRoutes(services);
          assert.deepEqual(problems, []);
          const priorities = Object.values(routes).map((r) => r.priority);
          assert.equal(new Set(priorities).size, Object.keys(services).length);
          for (const p of priorities) assert.ok(Number.isInteger(p) && p >= 1 && p <= 50000, String(p));
        }),
      );
    });

    it("orders rules most specific first: hosts before none, then the longer literal path prefix, catch-all last", () => {
      fc.assert(
        fc.property(servicesArb, (services) => {
          const ordered = inOrder(plan(services));
          for (let i = 1; i < ordered.length; i++) {
            const [earlier, later] = [ordered[i - 1], ordered[i]];
            assert.ok(
              earlier.hosts.length > 0 || later.hosts.length === 0,
              `${later.name} has hosts, ${earlier.name} none`,
            );
            if (earlier.hosts.length > 0 === later.hosts.length > 0) {
              assert.ok(
                longestPrefix(earlier) >= longestPrefix(later),
                `${earlier.name} before ${later.name}`,
              );
            }
          }
          if (services.all) assert.equal(ordered.at(-1)?.name, "all");
        }),
      );
    });

    /**
     * A request for `route` that no other generated route claims: wildcards filled with 'Z', which no generated
     * literal holds ('*' with two, so a '?' of the same prefix cannot take it), any host for no hosts.
     */
    const requestFor = (route: Route) => ({
      host: route.hosts.length > 0 ? route.hosts[0].replace("*", "zz") : "nobody.invalid",
      path: (route.paths[0] ?? "/*").replace(/\*$/, "ZZ").replace(/\?$/, "Z"),
    });

    it("lets every service receive requests: no rule is shadowed by the ones before it", () => {
      fc.assert(
        fc.property(servicesArb, (services) => {
          const routes = plan(services);
          for (const [name, route] of Object.entries(routes)) {
            const { host, path } = requestFor(route);
            assert.equal(serviceFor(routes, host, path), name, `${host}${path}`);
          }
        }),
      );
    });

    it("is independent of the order the services are given in", () => {
      fc.assert(
        fc.property(
          servicesArb.chain((services) =>
            fc.tuple(
              fc.constant(services),
              fc.shuffledSubarray(Object.keys(services), { minLength: Object.keys(services).length }),
            ),
          ),
          ([services, order]) => {
            const reordered = Object.fromEntries(order.map((name) => [name, services[name]]));
            assert.deepEqual(planRoutes(reordered), planRoutes(services));
          },
        ),
      );
    });
  });
});

describe("routeConditions", () => {
  it("turns a route into a host condition and a path condition, each only when it has values", () => {
    const cases: [Route, ReturnType<typeof routeConditions>][] = [
      [{ paths: ["/a"], hosts: [], priority: 1 }, [{ pathPattern: { values: ["/a"] } }]],
      [{ paths: [], hosts: ["h"], priority: 1 }, [{ hostHeader: { values: ["h"] } }]],
      [
        { paths: ["/a", "/b"], hosts: ["h"], priority: 1 },
        [{ hostHeader: { values: ["h"] } }, { pathPattern: { values: ["/a", "/b"] } }],
      ],
    ];
    for (const [route, conditions] of cases) assert.deepEqual(routeConditions(route), conditions);
  });
});
