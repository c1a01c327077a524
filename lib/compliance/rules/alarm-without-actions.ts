import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { asList, isTrue, MultiRegionRule, synthesized } from './template';

/**
 * An alarm that tells nobody when it fires: no ALARM action (and its actions not switched off on
 * purpose). The check of AWS Config's managed rule cloudwatch-alarm-action-check for its
 * alarmActionRequired parameter (https://docs.aws.amazon.com/config/latest/developerguide/cloudwatch-alarm-action-check.html),
 * here at synth.
 */
export const CW4: MultiRegionRule = {
  id: 'CW4',
  level: NagMessageLevel.WARN,
  info: 'A CloudWatch alarm has no alarm action, so nobody is told when it fires.',
  explanation: 'An alarm without actions only changes colour on a dashboard; Route 53 fails a Region over silently. '
    + 'Give it an SNS action to a topic of its own Region: AlarmTopics does so for every alarm of multi-region-cdk, '
    + 'and alarmTopics.addAlarm(alarm) for an alarm of yours. Alarms with ActionsEnabled: false are not checked.',
  check: (node) => {
    if (node.cfnResourceType !== 'AWS::CloudWatch::Alarm') return NagRuleCompliance.NOT_APPLICABLE;
    const props = synthesized(node).properties;
    if (props.ActionsEnabled !== undefined && !isTrue(props.ActionsEnabled)) return NagRuleCompliance.NOT_APPLICABLE;
    return asList(props.AlarmActions).length > 0 ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
