/** The `logins.*` commands, mapped onto the LoginService. */
import type { HandlersFor } from '../api/router';
import type { LoginService } from './logins';

/** What the handlers are given, built by the composition root. */
export interface LoginsServices {
  logins: LoginService;
}

export function createLoginsHandlers({ logins }: LoginsServices): HandlersFor<'logins'> {
  return {
    'logins.list': () => logins.list(),
    'logins.login': ({ registry, username, password }) => logins.login(registry, username, password),
    'logins.logout': ({ registry }) => logins.logout(registry),
  };
}
