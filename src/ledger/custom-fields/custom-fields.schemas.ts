import { z } from '@hono/zod-openapi';

const TYPE = z.enum(['text', 'number', 'date', 'select', 'multi_select', 'boolean']);
const ENTITY = z.enum(['customer', 'company']);

export const CustomFieldDefinitionSchema = z.object({
  id: z.string().uuid(), entity: ENTITY, key: z.string(), labelJa: z.string(), labelEn: z.string().nullable(),
  type: TYPE, options: z.array(z.string()), required: z.boolean(), isPersonal: z.boolean(), sortOrder: z.number().int(), archived: z.boolean(),
}).openapi('CustomFieldDefinition');
export type CustomFieldDefinition = z.infer<typeof CustomFieldDefinitionSchema>;

export const CustomFieldListQuery = z.object({ entity: ENTITY.optional() });
export const CustomFieldListSchema = z.object({ items: z.array(CustomFieldDefinitionSchema) });

export const CustomFieldCreate = z.object({
  entity: ENTITY,
  key: z.string().regex(/^[a-z][a-z0-9_]{0,59}$/, 'lowercase letters, digits and _ (start with a letter)'),
  labelJa: z.string().trim().min(1).max(100),
  labelEn: z.string().trim().max(100).nullable().optional(),
  type: TYPE,
  options: z.array(z.string().trim().min(1).max(100)).max(200).optional(),
  required: z.boolean().optional(),
  isPersonal: z.boolean().optional(),
  sortOrder: z.number().int().optional(),
}).openapi('CustomFieldCreate');
export const CustomFieldPatch = CustomFieldCreate.omit({ entity: true, key: true, type: true }).partial().extend({ archived: z.boolean().optional() }).openapi('CustomFieldPatch');
