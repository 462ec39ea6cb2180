/** Node flags every Daicho process starts with (see node-flags.mjs). */
export function nodeFlags(env?: NodeJS.ProcessEnv): string[];
