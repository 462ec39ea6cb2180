import type { Insertable, Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CustomFieldDefinitionsTable } from '../../db/schema.ts';

export async function listCustomFieldDefinitions(db: Db, entity?: 'customer' | 'company', includeArchived = false) {
  let query = db.selectFrom('custom_field_definitions').selectAll().orderBy('entity').orderBy('sort_order').orderBy('key');
  if (entity) query = query.where('entity', '=', entity);
  if (!includeArchived) query = query.where('archived_at', 'is', null);
  return query.execute();
}

export async function insertCustomFieldDefinition(db: Db, values: Insertable<CustomFieldDefinitionsTable>) {
  return db.insertInto('custom_field_definitions').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateCustomFieldDefinition(db: Db, id: string, values: Updateable<CustomFieldDefinitionsTable>) {
  return db.updateTable('custom_field_definitions').set({ ...values, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirst();
}
