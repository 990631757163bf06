/** Commands and events of the embedded registry. Owned by the registry work (issue 3). */
export const registryCommands = {} as const;
export const registryEvents = {} as const;
