/**
 * How traffic is spread over the active Regions.
 */
export enum Posture {
  /** Every active Region serves traffic (Route 53 latency records, all accelerator dials at 100). */
  ACTIVE_ACTIVE = 'ACTIVE_ACTIVE',
  /**
   * One primary Region serves traffic, the others stand by (Route 53 failover records,
   * standby accelerator dials at 0). Requires `primaryRegion`.
   */
  ACTIVE_PASSIVE = 'ACTIVE_PASSIVE',
}
