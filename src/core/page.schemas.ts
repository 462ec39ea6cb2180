import { z } from '@hono/zod-openapi';

/** One page of a cursor-paginated list: its items, the cursor of the next page and whether there is one. */
export function pageOf<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable(), hasMore: z.boolean() });
}
