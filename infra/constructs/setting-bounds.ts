import { Token } from 'aws-cdk-lib';
import { outOfBounds, type SettingBounds } from '#shared/deployment/names.ts';

/**
 * A numeric prop as the function's environment variable, checked at synthesis
 * against the bounds the functions' environment schema applies at start-up:
 * a value they would refuse fails `cdk synth` instead of every cold start.
 * Unset props take the functions' default.
 */
export function boundedSetting(prop: string, value: number | undefined, bounds: SettingBounds): string {
  const chosen = value ?? bounds.default;
  // A token resolves only at deploy time; the function checks it when it starts.
  if (Token.isUnresolved(chosen)) return Token.asString(chosen);
  const problem = outOfBounds(prop, chosen, bounds);
  if (problem !== undefined) throw new Error(`Invalid BerthControlPlane props: ${problem}`);
  return String(chosen);
}
