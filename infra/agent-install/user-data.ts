/**
 * The EC2 user data of a Berth host, for launch templates and the docs. The
 * script and its renderer live in shared/domain/ because the monitor renders
 * the same script for the hosts capacity providers launch.
 */
export { HOST_USER_DATA_TEMPLATE } from '#shared/domain/host-user-data-template.ts';
export {
  renderUserData,
  userDataParams,
  type RenderedUserData,
  type UserDataParams,
} from '#shared/domain/host-user-data.ts';
