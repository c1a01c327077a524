/** The CloudWatch namespace of the probes' metrics unless one is given. */
export const DEFAULT_PROBE_NAMESPACE = 'MultiRegion/Probes';
