import type { z } from 'zod';
import type { Deployment } from '../domain/arn.ts';
import { accountSettings } from '../domain/collections.ts';
import { InvalidParameterError } from '../domain/errors.ts';
import {
  ACCOUNT_SETTINGS,
  type AccountSetting,
  type AccountSettingName,
  type deleteAccountSettingRequest,
  type ListAccountSettingsRequest,
  type putAccountSettingRequest,
} from '../schemas/account-setting.ts';
import type { ControlContext } from './context.ts';
import { readAll } from './listing.ts';
import { decodeToken, encodeToken } from './pagination.ts';

/** A setting as ECS answers it: `aws_managed` when nobody set it and AWS's default applies. */
export interface SettingView {
  readonly name: AccountSettingName;
  readonly value: string;
  readonly principalArn: string;
  readonly type: 'user' | 'aws_managed';
}

/** The account's own ARN: its settings are every principal's defaults (PutAccountSettingDefault). */
export function accountRootArn(d: Deployment): string {
  return `arn:${d.partition}:iam::${d.accountId}:root`;
}

/**
 * Berth's principals are its access keys, so a principalArn names a key by
 * the ARN the guard forms for it, or the account root for the defaults.
 */
function requirePrincipal(ctx: ControlContext, arn: string): string {
  const d = ctx.deployment;
  const key = new RegExp(`^arn:${d.partition}:berth:${d.region}:${d.accountId}:access-key/BKIA[A-Z2-7]{16}$`);
  if (arn === accountRootArn(d) || key.test(arn)) return arn;
  throw new InvalidParameterError(
    `principalArn: ${arn} is not a principal of this Berth deployment; use an access key ARN (${d.partition}:berth:...:access-key/BKIA...) or ${accountRootArn(d)}`,
  );
}

function requireValue(name: AccountSettingName, value: string): void {
  const allowed: readonly string[] = ACCOUNT_SETTINGS[name].values;
  if (!allowed.includes(value)) {
    throw new InvalidParameterError(
      `value: ${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`,
    );
  }
}

export async function putAccountSetting(
  ctx: ControlContext,
  request: z.infer<typeof putAccountSettingRequest>,
  callerArn: string | undefined,
): Promise<SettingView> {
  requireValue(request.name, request.value);
  const principalArn = requirePrincipal(ctx, request.principalArn ?? callerArn ?? accountRootArn(ctx.deployment));
  const setting: AccountSetting = {
    name: request.name,
    value: request.value,
    principalArn,
    updatedAt: ctx.clock.now(),
  };
  for (;;) {
    const existing = await ctx.store.get(accountSettings, accountSettings.key(`${principalArn}#${request.name}`));
    const outcome = existing
      ? await ctx.store.tryReplace(accountSettings, setting, existing.version)
      : await ctx.store.tryCreate(accountSettings, setting);
    if (outcome.written) return view(setting);
  }
}

export async function deleteAccountSetting(
  ctx: ControlContext,
  request: z.infer<typeof deleteAccountSettingRequest>,
  callerArn: string | undefined,
): Promise<SettingView> {
  const principalArn = requirePrincipal(ctx, request.principalArn ?? callerArn ?? accountRootArn(ctx.deployment));
  const key = accountSettings.key(`${principalArn}#${request.name}`);
  const existing = await ctx.store.get(accountSettings, key);
  if (!existing) {
    throw new InvalidParameterError(`name: no account setting ${request.name} is set for principal ${principalArn}`);
  }
  await ctx.store.delete(accountSettings, key, existing.version);
  return view(existing.value);
}

/**
 * ListAccountSettings: the principal's own settings, or with
 * effectiveSettings every setting as it applies to the principal (its own,
 * else the account default, else AWS's), filtered by name and value.
 */
export async function listAccountSettings(
  ctx: ControlContext,
  request: ListAccountSettingsRequest,
  callerArn: string | undefined,
): Promise<{ settings: SettingView[]; nextToken?: string }> {
  const principalArn = requirePrincipal(ctx, request.principalArn ?? callerArn ?? accountRootArn(ctx.deployment));
  const root = accountRootArn(ctx.deployment);
  const stored = (await readAll(ctx.store, accountSettings, accountSettings.partition())).map((i) => i.value);
  const own = (arn: string, name: AccountSettingName) => stored.find((s) => s.principalArn === arn && s.name === name);
  const names = Object.keys(ACCOUNT_SETTINGS) as AccountSettingName[];
  const all = names.flatMap((name): SettingView[] => {
    const mine = own(principalArn, name);
    if (mine) return [view(mine)];
    if (!request.effectiveSettings) return [];
    const fallback = own(root, name);
    return [
      fallback
        ? view(fallback)
        : { name, value: ACCOUNT_SETTINGS[name].default, principalArn: root, type: 'aws_managed' },
    ];
  });
  const matching = all.filter(
    (s) =>
      (request.name === undefined || s.name === request.name) &&
      (request.value === undefined || s.value === request.value),
  );
  const start = Number(decodeToken('account-settings', request.nextToken) ?? '0');
  if (!Number.isSafeInteger(start) || start < 0) throw new InvalidParameterError('Invalid nextToken');
  const limit = request.maxResults ?? 10;
  const settings = matching.slice(start, start + limit);
  const next = start + limit < matching.length ? encodeToken('account-settings', String(start + limit)) : undefined;
  return { settings, ...(next !== undefined && { nextToken: next }) };
}

/** The value a setting has for the whole account: its default if set, else AWS's. */
export async function accountDefault(ctx: ControlContext, name: AccountSettingName): Promise<string> {
  const key = accountSettings.key(`${accountRootArn(ctx.deployment)}#${name}`);
  return (await ctx.store.get(accountSettings, key))?.value.value ?? ACCOUNT_SETTINGS[name].default;
}

function view(s: AccountSetting): SettingView {
  return { name: s.name, value: s.value, principalArn: s.principalArn, type: 'user' };
}
