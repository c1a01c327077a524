/**
 * A Route 53 health check to show on the `ProbesDashboard`, from the `AWS/Route53` metrics in
 * us-east-1 (the supported view of what Route 53's checkers see; the probes never call
 * `GetHealthCheckStatus`).
 *
 * Health checks live in the us-east-1 global stack (`DnsRouting`), which depends on the
 * regional stacks; pass their ids only to constructs in that stack (the dashboard is there),
 * never to a regional probe, or the stacks reference each other.
 */
export interface Route53HealthCheckReference {
  /** The Region the health check watches: the label on the dashboard. */
  readonly region: string;

  /**
   * The health check that guards the Region's record (for example `DnsRouting.healthCheck(region).healthCheckId`,
   * a CALCULATED check when the Region has a health alarm): its `HealthCheckStatus` is shown.
   */
  readonly healthCheckId: string;

  /**
   * The endpoint (HTTP, HTTPS or TCP) check of the Region (for example
   * `DnsRouting.endpointHealthCheck(region).healthCheckId`): its `HealthCheckPercentageHealthy`,
   * the share of Route 53 checkers that see the endpoint healthy, is shown. Calculated and
   * CloudWatch-alarm checks have no checkers, so they do not publish that metric.
   * @default - `healthCheckId`, which must then be an endpoint check
   */
  readonly endpointHealthCheckId?: string;
}
