/** Push, pull, logins and the registries the user works with. Owned by the transfers work (issue 4). */
export const transfersCommands = {} as const;
export const transfersEvents = {} as const;
