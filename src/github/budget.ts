/** Thrown when a run reaches its API budget; the entry point reports which input to raise. */
export class BudgetExceeded extends Error {
  constructor(readonly budget: number) {
    super(`reached the API budget of ${budget} requests; raise the api-budget input to allow more`);
  }
}
