import { Construct } from 'constructs';
import { AlarmTopic, AlarmTopicProps } from '../alarms/alarm-topic';

/**
 * Properties of a `ProbeAlarmTopic`.
 * @deprecated use `AlarmTopicProps`
 */
export interface ProbeAlarmTopicProps extends AlarmTopicProps {}

/**
 * An SNS topic for the probes' alarms: the same as `AlarmTopic` (encrypted with the Region's own
 * key, TLS only, CloudWatch alarms of this Region and account may publish), whose `topic` is
 * public to subscribe to. `AlarmTopics` now makes one per stack with alarms and wires every
 * alarm of the library to it.
 * @deprecated use `AlarmTopic`, or `AlarmTopics` for every alarm of an app
 */
export class ProbeAlarmTopic extends AlarmTopic {
  constructor(scope: Construct, id: string, props: ProbeAlarmTopicProps) {
    super(scope, id, props);
  }
}
