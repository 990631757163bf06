/** The only two IPC channels: one for contract requests, one for events. */
export const IPC_CALL_CHANNEL = 'berth:call';
export const IPC_EVENT_CHANNEL = 'berth:event';
