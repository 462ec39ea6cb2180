/** A promise to wait for and the function that fulfils it (Promise.withResolvers is Node 22). */
export function signal(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => { fire = resolve; });
  return { promise, fire };
}
