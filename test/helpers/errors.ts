/**
 * Runs `build` and returns the aws-cdk-lib ValidationError it throws (type 'validation'), failing
 * the test when it throws nothing or another kind of error.
 */
export function validationErrorOf(build: () => unknown): { code: string; message: string; constructPath?: string } {
  let error: any;
  try {
    build();
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error('expected a ValidationError, but nothing was thrown');
  if (error.type !== 'validation') throw new Error(`expected a ValidationError, got ${error.name}: ${error.message}`);
  return { code: error.name, message: error.message, constructPath: error.constructPath };
}
