import { Validations, type IPolicyValidationPlugin, type Stage } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * The rule packs every synthesis of Berth runs: cdk-nag's AwsSolutions pack,
 * verbose, so a finding says why the rule exists and not only what tripped it.
 */
export function berthChecks(): IPolicyValidationPlugin[] {
  return [new AwsSolutionsChecks(undefined, { verbose: true })];
}

/**
 * Registers Berth's rule packs on an app. They run when the app synthesizes:
 * an error fails `cdk synth` (and `cdk deploy`) with the report, a warning is
 * printed. A finding Berth accepts is acknowledged on the construct that
 * causes it, by its finding id (`AwsSolutions-IAM5[Action::...]`), with the
 * reason next to it; infra/README.md lists them.
 */
export function addBerthChecks(app: Stage): void {
  Validations.of(app).addPlugins(...berthChecks());
}
