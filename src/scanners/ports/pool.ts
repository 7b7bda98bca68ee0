// Runs work over a list with at most `limit` items in flight, handing out each result as it
// finishes, so the caller can report progress while slow items (filtered ports) wait out their
// timeouts. When one item fails, no new item starts, the others are awaited (nothing is left
// running), and the first failure is thrown.

export async function* pooled<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const inFlight = new Map<number, Promise<{ id: number; result: R }>>();
  let next = 0;
  const start = (): void => {
    const id = next++;
    inFlight.set(
      id,
      work(items[id] as T).then((result) => ({ id, result })),
    );
  };
  try {
    while (next < items.length || inFlight.size > 0) {
      while (next < items.length && inFlight.size < Math.max(1, limit)) start();
      const done = await Promise.race(inFlight.values());
      inFlight.delete(done.id);
      yield done.result;
    }
  } finally {
    // A failure or a consumer that stopped early: let what is running end before returning.
    await Promise.allSettled(inFlight.values());
  }
}
