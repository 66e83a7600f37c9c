import * as z from 'zod';

/** ECS's account setting names with the values each accepts and its value when never set (AWS's default). */
export const ACCOUNT_SETTINGS = {
  serviceLongArnFormat: { values: ['enabled', 'disabled'], default: 'enabled' },
  taskLongArnFormat: { values: ['enabled', 'disabled'], default: 'enabled' },
  containerInstanceLongArnFormat: { values: ['enabled', 'disabled'], default: 'enabled' },
  awsvpcTrunking: { values: ['enabled', 'disabled'], default: 'disabled' },
  containerInsights: { values: ['enabled', 'disabled', 'enhanced'], default: 'disabled' },
  fargateFIPSMode: { values: ['enabled', 'disabled'], default: 'disabled' },
  tagResourceAuthorization: { values: ['on', 'off'], default: 'on' },
  fargateTaskRetirementWaitPeriod: { values: ['0', '7', '14'], default: '7' },
  guardDutyActivate: { values: ['on', 'off'], default: 'off' },
  defaultLogDriverMode: { values: ['blocking', 'non-blocking'], default: 'non-blocking' },
  fargateEventWindows: { values: ['enabled', 'disabled'], default: 'disabled' },
} as const satisfies Record<string, { values: readonly string[]; default: string }>;

export type AccountSettingName = keyof typeof ACCOUNT_SETTINGS;
export const accountSettingName = z.enum(
  Object.keys(ACCOUNT_SETTINGS) as [AccountSettingName, ...AccountSettingName[]],
);

/** A setting as stored: for one principal, or for the account (its root ARN) as everyone's default. */
export const accountSetting = z.object({
  name: accountSettingName,
  value: z.string(),
  principalArn: z.string().min(1).max(2048),
  updatedAt: z.number().int().nonnegative(),
});
export type AccountSetting = z.infer<typeof accountSetting>;

const principalArn = z.string().min(1).max(2048).optional();

export const putAccountSettingRequest = z.strictObject({
  name: accountSettingName,
  value: z.string().min(1).max(64),
  principalArn,
});
export const putAccountSettingDefaultRequest = z.strictObject({
  name: accountSettingName,
  value: z.string().min(1).max(64),
});
export const deleteAccountSettingRequest = z.strictObject({ name: accountSettingName, principalArn });
export const listAccountSettingsRequest = z.strictObject({
  name: accountSettingName.optional(),
  value: z.string().min(1).max(64).optional(),
  principalArn,
  effectiveSettings: z.boolean().optional(),
  nextToken: z.string().max(4096).optional(),
  maxResults: z.number().int().min(1).max(10).optional(),
});
export type ListAccountSettingsRequest = z.infer<typeof listAccountSettingsRequest>;
