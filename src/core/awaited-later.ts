/**
 * For a promise that runs beside other work and is awaited further on: until that await, Node would count its
 * rejection as unhandled (and end the process). This marks it handled without swallowing anything: the caller's own
 * later `await promise` still throws the error.
 */
export function awaitedLater(promise: Promise<unknown>): void {
  // Not the handler of the error, only of this branch: the error reaches whoever awaits `promise` itself.
  promise.catch(() => {});
}
