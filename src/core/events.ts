/** A domain event that may start flows for the people it names (triggers with `event:`). */
export interface DomainEvent {
  readonly name: string;
  readonly personIds: readonly string[];
  readonly vars?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface EventPublisher {
  publish(event: DomainEvent): Promise<void>;
}
