import { UsageError } from './keys-command.ts';

/** `--output`, named as the AWS CLI names it: table (the default for a person), text (tab-separated), json. */
export type OutputFormat = 'table' | 'text' | 'json';

export const OUTPUT_USAGE = `  --output table|text|json  table (default) fits the terminal; text is tab-separated and never cut;
                            json is the API's answer`;

export function outputFormat(value: string | undefined, legacyJson: boolean): OutputFormat {
  if (legacyJson) return 'json';
  if (value === undefined) return 'table';
  if (value === 'table' || value === 'text' || value === 'json') return value;
  throw new UsageError(`--output ${value}: must be table, text or json`);
}
