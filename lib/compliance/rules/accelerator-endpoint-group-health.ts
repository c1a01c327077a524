import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { MultiRegionRule, synthesized } from './template';

const HEALTH_CHECK_PROPERTIES = ['HealthCheckProtocol', 'HealthCheckPort', 'HealthCheckPath', 'HealthCheckIntervalSeconds', 'ThresholdCount'];

/** A Global Accelerator endpoint group left on implicit health-check defaults. */
export const GA1: MultiRegionRule = {
  id: 'GA1',
  level: NagMessageLevel.ERROR,
  info: 'The Global Accelerator endpoint group has no health check configured.',
  explanation: 'Global Accelerator moves traffic away from a Region only when its endpoints fail health checks; left implicit, the check is a TCP connect every 30 s '
    + 'that passes while the application is broken, and nobody chose the detection time. Set HealthCheckProtocol (HTTP/HTTPS with HealthCheckPath for a deep check), '
    + 'HealthCheckIntervalSeconds and ThresholdCount.',
  check: (node) => {
    if (node.cfnResourceType !== 'AWS::GlobalAccelerator::EndpointGroup') return NagRuleCompliance.NOT_APPLICABLE;
    const props = synthesized(node).properties;
    return HEALTH_CHECK_PROPERTIES.some((p) => props[p] !== undefined) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
