import { DEFAULT_PROBE_NAMESPACE } from '../namespace';

/** Checks a custom metric namespace the way CloudWatch does, with an error that says what is valid. */
export function validateNamespace(namespace: string, where: string): void {
  if (!/^[A-Za-z0-9.\-_/#:]{1,255}$/.test(namespace) || namespace.startsWith('AWS/') || namespace.startsWith(':')) {
    throw new Error(`${where}: namespace '${namespace}' is not valid; use 1 to 255 of letters, digits and . - _ / # :, not starting with 'AWS/' or ':' (for example '${DEFAULT_PROBE_NAMESPACE}').`);
  }
}

/** Checks alarm N-of-M settings. */
export function validateNOfM(datapoints: number, periods: number, where: string): void {
  if (!Number.isInteger(periods) || periods < 1 || periods > 60) {
    throw new Error(`${where}: evaluation periods ${periods} is not valid; use a whole number from 1 to 60.`);
  }
  if (!Number.isInteger(datapoints) || datapoints < 1 || datapoints > periods) {
    throw new Error(`${where}: datapoints to alarm ${datapoints} is not valid; use a whole number from 1 to the evaluation periods (${periods}).`);
  }
}

/** Checks the number of probes per one-minute run. */
export function validateProbesPerRun(probesPerRun: number, where: string): void {
  if (!Number.isInteger(probesPerRun) || probesPerRun < 1 || probesPerRun > 12) {
    throw new Error(`${where}: probesPerRun ${probesPerRun} is not valid; use a whole number from 1 to 12 (one probe every 5 s at most).`);
  }
}
