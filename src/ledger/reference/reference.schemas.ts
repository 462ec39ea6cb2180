import { z } from '@hono/zod-openapi';

const Labelled = z.object({ code: z.string(), labelJa: z.string(), labelEn: z.string() });
export type Labelled = z.infer<typeof Labelled>;

export const ReferenceSchema = z.object({
  lifecycleStages: z.array(Labelled), acquisitionChannels: z.array(Labelled),
  roles: z.array(Labelled.extend({ permissions: z.array(z.string()) })), permissions: z.record(z.string(), z.string()),
  prefectures: z.array(z.string()),
}).openapi('Reference');
export type Reference = z.infer<typeof ReferenceSchema>;
