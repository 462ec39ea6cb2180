/**
 * The values of a small create / edit form, as plain functions (tested in test/web/form-values.test.ts); the hook
 * that holds them is useFormValues in FormPanel.tsx.
 */

/** The values with one of them changed (a new object, for React state). */
export function withValue<V extends object, K extends keyof V>(values: V, key: K, value: V[K]): V {
  return { ...values, [key]: value };
}

/** The filled-in text values, trimmed; blank ones left out, so the API keeps its defaults for them. */
export function filledValues<V extends Record<string, string>>(values: V): Partial<V> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) if (value.trim()) out[key] = value.trim();
  return out as Partial<V>;
}

/** A text value for a nullable API field: trimmed, or null when blank (clears it). */
export function textOrNull(value: string): string | null {
  return value.trim() || null;
}
