// Serializes work per subscriber: two channels deciding for one customer at the same moment run
// one after the other, so the second sees the first's reservation. Keys with nothing queued are
// dropped, so the map holds only subscribers being decided right now.
export class SubscriberLocks {
  private tails = new Map<number, Promise<unknown>>();

  run<T>(subscriberId: number, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(subscriberId) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(subscriberId, tail);
    void tail.then(() => {
      if (this.tails.get(subscriberId) === tail) this.tails.delete(subscriberId);
    });
    return result;
  }

  get held(): number {
    return this.tails.size;
  }
}
