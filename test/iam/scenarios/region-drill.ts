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
    const drill = (target: string, mode: string | undefined, id: string) => ['preflight', 'takeOut', 'measure', 'checkDataPath', 'report', 'restore'].map((step) => ({
      export: 'handler',
      event: { region: target, executionId: `${stateMachineArn?.replace(':stateMachine:', ':execution:')}:${id}`, stateMachineArn, mode, step, confirmation: target, startedAt: new Date(0).toISOString() },
    }));
    // The deep-health mode (the fault switch, an SSM parameter in the drilled Region) where a Region has one.
    const faulted = config.regions.find((r: any) => r.faultSwitchName && r.region !== config.homeRegion)?.region;
    return [...drill(region, undefined, 'iam-proof'), ...(faulted ? drill(faulted, 'deep-health', 'iam-proof-fault') : [])];
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
      // The routing intents (no holder) and the fault switch (clear), then what the drill wrote.
      case 'GetParameters': return { Parameters: (call.input.Names ?? []).filter((n: string) => state.has(`ssm:${call.region}:${n}`)).map((n: string) => ({ Name: n, Value: state.get(`ssm:${call.region}:${n}`) })), InvalidParameters: (call.input.Names ?? []).filter((n: string) => !state.has(`ssm:${call.region}:${n}`)) };
      case 'GetParameter': {
        // The fault switch as DeepHealthEndpoint creates it: cleared.
        const value = state.get(`ssm:${call.region}:${call.input.Name}`) ?? '{"fail":false}';
        return { Parameter: { Name: call.input.Name, Type: 'String', Value: value } };
      }
      case 'PutParameter':
        state.set(`ssm:${call.region}:${call.input.Name}`, call.input.Value);
        return { Version: 1 };
      case 'GetObject': {
        const body = state.get(`s3:${call.input.Bucket}/${call.input.Key}`) as string | undefined;
        if (body === undefined) throw serviceError('NoSuchKey');
        return { Body: { transformToString: async () => body } };
      }
      default: return {};
    }
  },
};
