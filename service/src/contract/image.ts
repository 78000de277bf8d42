/**
 * What the infrastructure must know about the service's image to run it: the user it runs as, the paths the
 * load balancer and the container health check probe, and the command that probes from inside the container.
 * The Dockerfile and the routes implement these; the service's tests hold them to it.
 */

/** The image's unprivileged user (`node` in the official image), as `uid:gid`. */
export const CONTAINER_USER = "1000:1000";

/** Liveness: answers 200 while the process serves, never touches S3. The ALB's and the container's check. */
export const HEALTH_PATH = "/healthz";

/** Readiness: 200 when S3 answers, 503 otherwise. */
export const READY_PATH = "/readyz";

/**
 * The container health check: a small node script that GETs HEALTH_PATH on the container's own port (the slim
 * image has no curl). Relative to the image's working directory.
 */
export const HEALTHCHECK_COMMAND = ["CMD", "node", "dist/healthcheck.js"] as const;
