import { AppModel, FunctionInfo } from '../proof/model';
import { HandlerScenario, serviceError } from './types';

/**
 * The drill's state machine runs one step per invocation; the proof runs a whole drill of the
 * first Region that is not the drill's own: preflight, takeOut, measure, checkDataPath, report,
 * restore. Every other Region is healthy and every dial at 100, so each step goes all the way.
 */
export const regionDrill: HandlerScenario = {
  handler: 'region-drill',
  invocations: (fn: FunctionInfo, model: AppModel) => {
    const config = JSON.parse(fn.env.DRILL_CONFIG);
    const region = config.regions.map((r: any) => r.region).find((r: string) => r !== config.homeRegion);
    const machine = model.resources.find((r) => r.type === 'AWS::StepFunctions::StateMachine' && r.stack === fn.stack);
    const stateMachineArn = machine ? model.resolver.resolve(fn.stack, { Ref: machine.logicalId }) as string : undefined;
    const executionId = `${stateMachineArn?.replace(':stateMachine:', ':execution:')}:iam-proof`;
    const base = { region, executionId, stateMachineArn };
    return ['preflight', 'takeOut', 'measure', 'checkDataPath', 'report', 'restore'].map((step) => ({
      export: 'handler',
      event: { ...base, step, confirmation: region, startedAt: new Date(0).toISOString() },
    }));
  },
  respond: (call, state) => {
    switch (call.operation) {
      case 'DescribeAlarms': return { MetricAlarms: (call.input.AlarmNames ?? []).map((n: string) => ({ AlarmName: n, StateValue: 'OK' })) };
      case 'GetHealthCheck': return { HealthCheck: { Id: call.input.HealthCheckId, HealthCheckConfig: { Inverted: false } } };
      case 'DescribeEndpointGroup': return { EndpointGroup: { EndpointGroupArn: call.input.EndpointGroupArn, TrafficDialPercentage: 100 } };
      case 'DescribeAccelerator': return { Accelerator: { AcceleratorArn: call.input.AcceleratorArn, Status: 'DEPLOYED' } };
      case 'ListExecutions': return { executions: [] };
      case 'TestDNSAnswer': return { RecordData: [], ResponseCode: 'NOERROR' };
      case 'GetMetricData': return { MetricDataResults: [] };
      case 'PutObject':
        state.set(`s3:${call.input.Bucket}/${call.input.Key}`, String(call.input.Body));
        return {};
      case 'GetObject': {
        const body = state.get(`s3:${call.input.Bucket}/${call.input.Key}`) as string | undefined;
        if (body === undefined) throw serviceError('NoSuchKey');
        return { Body: { transformToString: async () => body } };
      }
      default: return {};
    }
  },
};
