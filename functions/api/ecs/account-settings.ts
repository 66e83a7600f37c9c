import * as settings from '#shared/control/account-settings.ts';
import {
  deleteAccountSettingRequest,
  listAccountSettingsRequest,
  putAccountSettingDefaultRequest,
  putAccountSettingRequest,
} from '#shared/schemas/account-setting.ts';
import { operation, type Operation } from './operation.ts';

export const accountSettingOperations: Record<string, Operation> = {
  PutAccountSetting: operation(putAccountSettingRequest, async (ctx, input, caller) => ({
    setting: await settings.putAccountSetting(ctx, input, caller.principalArn),
  })),
  PutAccountSettingDefault: operation(putAccountSettingDefaultRequest, async (ctx, input) => ({
    setting: await settings.putAccountSetting(
      ctx,
      { ...input, principalArn: settings.accountRootArn(ctx.deployment) },
      undefined,
    ),
  })),
  DeleteAccountSetting: operation(deleteAccountSettingRequest, async (ctx, input, caller) => ({
    setting: await settings.deleteAccountSetting(ctx, input, caller.principalArn),
  })),
  ListAccountSettings: operation(listAccountSettingsRequest, async (ctx, input, caller) => {
    const page = await settings.listAccountSettings(ctx, input, caller.principalArn);
    return { settings: page.settings, ...(page.nextToken !== undefined && { nextToken: page.nextToken }) };
  }),
};
