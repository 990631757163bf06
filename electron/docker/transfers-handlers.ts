/** The `transfers.*` commands, mapped onto a TransferService. Thin on purpose: the service does the work. */
import type { HandlersFor } from '../api/router';
import type { TransferService } from './transfers';

/** What the handlers are given, built by the composition root. */
export interface TransfersServices {
  transfers: TransferService;
}

/** Handlers for the router; the composition root spreads them into its handler table. */
export function createTransfersHandlers({ transfers: service }: TransfersServices): HandlersFor<'transfers'> {
  return {
    'transfers.push': ({ reference }) => service.push(reference),
    'transfers.pull': ({ reference }) => service.pull(reference),
    'transfers.copy': (input) => service.copy(input),
    'transfers.cancel': ({ id }) => ({ cancelled: service.cancel(id) }),
    'transfers.list': () => service.list(),
    'transfers.dismiss': ({ id }) => ({ dismissed: service.dismiss(id) }),
  };
}
