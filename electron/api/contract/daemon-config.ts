/** Reading, editing, applying and verifying Docker's daemon.json. Owned by the daemon.json work (issue 5). */
export const daemonConfigCommands = {} as const;
export const daemonConfigEvents = {} as const;
