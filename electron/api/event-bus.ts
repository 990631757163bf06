/** Typed events from services to every connected renderer. Transports subscribe; services emit. */
import type { EventName, EventPayload } from './contract';

export type EventListener = (event: EventName, payload: unknown) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<K extends EventName>(event: K, payload: EventPayload<K>): void {
    for (const listener of this.listeners) listener(event, payload);
  }

  /** Returns the function that unsubscribes. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
