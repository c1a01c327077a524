import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * Every alarm the library makes is registered here, so that one place can give all of them
 * actions (the alarm topic of their stack's Region, or the user's own). Constructs call
 * `registerAlarm(alarm)` right after creating an alarm.
 */
const REGISTRY = Symbol.for('multi-region-cdk.alarms');

interface StackWithAlarms { [REGISTRY]?: cloudwatch.Alarm[] }

/** Registers an alarm the library made; returns it for chaining. */
export function registerAlarm<T extends cloudwatch.Alarm>(alarm: T): T {
  const stack = Stack.of(alarm) as unknown as StackWithAlarms;
  (stack[REGISTRY] ??= []).push(alarm);
  return alarm;
}

/** The alarms the library made in `stack`, in creation order. */
export function alarmsOf(stack: Stack): cloudwatch.Alarm[] {
  return [...((stack as unknown as StackWithAlarms)[REGISTRY] ?? [])];
}
